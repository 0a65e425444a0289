using Gac.Compression;
using Gac.Core.Diagnostics;
using Gac.Examples.TrainLm;

try
{
    var options = TrainingOptions.Parse(args);
    TorchRuntime.EnsureLoaded();
    return ExampleModelTraining.Run(options, Console.Out);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"train-example-lm: {e.Message}");
    return ExitCodes.BadInput;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"train-example-lm: {e.Message}");
    return ExitCodes.BadInput;
}
catch (GacException e)
{
    Console.Error.WriteLine($"train-example-lm: {e.Message}");
    return e.ExitCode;
}
