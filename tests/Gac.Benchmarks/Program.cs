using BenchmarkDotNet.Running;
using Gac.Benchmarks;

// "large-checkpoint" writes the generated checkpoint build/large-checkpoint.sh compresses; anything else picks benchmarks.
if (args.Length > 0 && args[0] == "large-checkpoint")
{
    return LargeCheckpoint.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
