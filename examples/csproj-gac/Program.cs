// Shows where the build put the compressed model: beside the app, because the GacCompress item in
// CsprojGac.csproj sets CopyToOutputDirectory. A real app would open it with ONNX Runtime here.
var model = Path.Combine(AppContext.BaseDirectory, "out", "tiny-transformer.gac.onnx");
Console.WriteLine(File.Exists(model)
    ? $"compressed model: {model} ({new FileInfo(model).Length:N0} bytes)"
    : $"no compressed model at {model}: build with GacEnabled=true and an accepting gate");
