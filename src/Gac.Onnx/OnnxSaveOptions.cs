namespace Gac.Onnx;

/// <summary>Where <see cref="OnnxModelWriter"/> puts weight bytes.</summary>
public enum ExternalDataPolicy
{
    /// <summary>
    /// One file when the model fits protobuf's 2 GB limit and has no external data; a model whose
    /// weights are already external and is saved into the same folder keeps its references (and
    /// its bytes); otherwise external data.
    /// </summary>
    Auto,

    /// <summary>Every tensor inside the .onnx file (fails with GAC3002 at 2 GB).</summary>
    Embed,

    /// <summary>Tensors of at least <see cref="OnnxSaveOptions.ExternalThresholdBytes"/> go to one data file beside the model.</summary>
    External,
}

public sealed record OnnxSaveOptions
{
    /// <summary>
    /// ONNX Runtime memory-maps external data when a tensor's offset is page-aligned; 4096 is the
    /// x86-64/arm64 Linux page size (and a multiple of every SIMD alignment ORT uses).
    /// </summary>
    public const int ExternalDataAlignment = 4096;

    public static OnnxSaveOptions Default { get; } = new();

    public ExternalDataPolicy ExternalData { get; init; } = ExternalDataPolicy.Auto;

    /// <summary>Data file name, written beside the model; default "&lt;model file name&gt;.data".</summary>
    public string? ExternalDataFileName { get; init; }

    /// <summary>Smaller tensors stay inline; 1024 bytes is the onnx package's own default threshold.</summary>
    public long ExternalThresholdBytes { get; init; } = 1024;

    /// <summary>
    /// Size at which <see cref="ExternalDataPolicy.Auto"/> switches to external data. Defaults to
    /// protobuf's limit; lowering it lets tests exercise the switch without writing gigabytes.
    /// </summary>
    public long SingleFileLimitBytes { get; init; } = OnnxModelFile.ProtobufMessageLimit;

    /// <summary>fsync files before renaming them into place, so a crash never leaves a torn artifact.</summary>
    public bool FlushToDisk { get; init; } = true;
}
