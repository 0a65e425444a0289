namespace Gac.Core.Hardware;

/// <summary>
/// Profiles that ship with the tool. Rules: tensor cores want M, N, K multiples of 16 bytes —
/// 8 elements for FP16/BF16, 16 for INT8/FP8 — and 128 bytes (64 FP16 elements) is best on
/// A100-class parts (NVIDIA "Matrix Multiplication Background" user guide). SDPA head_dim must be
/// a multiple of 8 and steps at FlashAttention template sizes 64/96/128/160/256; SM counts
/// (A100 108, H100 SXM 132) set the wave size (GAC paper, arXiv 2604.09595, §3).
/// </summary>
public static class BuiltInProfiles
{
    private static readonly int[] FlashAttentionTemplates = [64, 96, 128, 160, 256];

    public static readonly AlignmentProfile Generic8 = new(
        "generic-8",
        "Any tensor-core GPU, FP16/BF16: every GEMM dimension a multiple of 8.",
        "fp16", 8, 8, 8, FlashAttentionTemplates, null,
        "NVIDIA Matrix Multiplication Background guide: 16-byte alignment = 8 FP16 elements.");

    public static readonly AlignmentProfile NvidiaAmpereFp16 = new(
        "nvidia-ampere-fp16",
        "A100 (sm80), FP16/BF16: multiple of 8 required, 64 preferred, 108 SMs.",
        "fp16", 8, 64, 8, FlashAttentionTemplates, 108,
        "NVIDIA GEMM guide (128-byte best on A100); GAC paper §3: K=107 0.089 ms vs K=112 0.050 ms on A100.");

    public static readonly AlignmentProfile NvidiaHopperFp16 = new(
        "nvidia-hopper-fp16",
        "H100 SXM (sm90), FP16/BF16: multiple of 8 required, 64 preferred, 132 SMs.",
        "fp16", 8, 64, 8, FlashAttentionTemplates, 132,
        "NVIDIA GEMM guide; GAC paper §3 reports the same patterns on H100.");

    public static readonly AlignmentProfile Int8x16 = new(
        "int8-16",
        "INT8/FP8 tensor cores: every GEMM dimension a multiple of 16.",
        "int8", 16, 64, 16, FlashAttentionTemplates, null,
        "NVIDIA GEMM guide: 16-byte alignment = 16 INT8/FP8 elements.");

    public static IReadOnlyList<AlignmentProfile> All { get; } = [Generic8, NvidiaAmpereFp16, NvidiaHopperFp16, Int8x16];

    public static AlignmentProfile? Find(string name)
        => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A profile that only says "multiple of N", for <c>--align N</c>.</summary>
    public static AlignmentProfile ForMultiple(int multiple) => new(
        $"multiple-of-{multiple}",
        $"Every GEMM dimension a multiple of {multiple}.",
        "any", multiple, multiple, multiple, FlashAttentionTemplates, null,
        "Given on the command line.");
}
