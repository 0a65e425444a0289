using Gac.Build.Tasks.Incremental;
using Gac.Build.Tasks.Tests.TestSupport;

namespace Gac.Build.Tasks.Tests.Incremental;

public sealed class FileHashCacheTests : IDisposable
{
    private readonly FakeToolWorkspace _workspace = new();

    [Fact]
    public void The_hash_is_the_SHA256_of_the_content()
    {
        var file = _workspace.Write("model.onnx", "abc");

        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FileHashCache.Load(_workspace.PathOf("none.tsv")).HashOf(file));
    }

    [Fact]
    public void An_unchanged_file_is_not_read_again_in_the_next_build()
    {
        var file = _workspace.Write("model.onnx", "weights");
        var cachePath = _workspace.PathOf("obj/file-hashes.tsv");
        var first = FileHashCache.Load(cachePath);
        var hash = first.HashOf(file);
        first.Save(cachePath);

        var second = FileHashCache.Load(cachePath);

        Assert.Equal(hash, second.HashOf(file));
        Assert.Equal(0, second.FilesHashed);
    }

    [Fact]
    public void A_file_with_a_new_timestamp_is_read_again()
    {
        var file = _workspace.Write("model.onnx", "weights");
        var cachePath = _workspace.PathOf("obj/file-hashes.tsv");
        var first = FileHashCache.Load(cachePath);
        first.HashOf(file);
        first.Save(cachePath);
        File.WriteAllText(file, "changed");

        var second = FileHashCache.Load(cachePath);
        second.HashOf(file);

        Assert.Equal(1, second.FilesHashed);
    }

    [Fact]
    public void A_corrupt_cache_file_is_ignored()
    {
        var cachePath = _workspace.Write("obj/file-hashes.tsv", "not\ta\tcache");
        var file = _workspace.Write("model.onnx", "abc");

        var cache = FileHashCache.Load(cachePath);

        Assert.Equal(64, cache.HashOf(file).Length);
        Assert.Equal(1, cache.FilesHashed);
    }

    public void Dispose() => _workspace.Dispose();
}
