using Gac.Runtime.Benchmark;
using Gac.Runtime.Profiling;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;

namespace Gac.Runtime.Tests.Profiling;

public sealed class KernelProfileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gac-kernel-profile-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void A_real_cpu_profile_names_each_MatMul_node_and_its_provider_and_no_invented_kernels()
    {
        Directory.CreateDirectory(_folder);
        var model = Path.Combine(_folder, "m.onnx");
        File.WriteAllBytes(model, TinyOnnx.MatMul(16, 8, TinyOnnx.Weights(16 * 8, 5)));
        var sessions = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));

        var nodes = KernelProfile.Capture(sessions, model, ShapeBucket.Parse("batch=4"), new GeneratedInputs(Core.Model.InputDomains.None, 3), 3, _folder);

        var node = Assert.Single(nodes);
        Assert.Equal(("matmul", "MatMul", "CPUExecutionProvider"), (node.Node, node.OpType, node.Provider));
        Assert.Empty(node.Kernels);
        Assert.Single(Directory.GetFiles(_folder, "ort-profile*.json"));
    }

    [Fact]
    public void Kernel_events_are_attached_to_their_parent_node_and_other_operators_are_left_out()
    {
        // The shape of a profile from a build with CUDA profiling: node events plus CUPTI kernel events naming their node event.
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "cuda-profile.json");
        File.WriteAllText(path, """
            [
              {"cat":"Session","name":"model_run","ph":"X","dur":10,"args":{}},
              {"cat":"Node","name":"q_proj/MatMul_kernel_time","ph":"X","dur":5,"args":{"op_name":"MatMul","provider":"CUDAExecutionProvider"}},
              {"cat":"Kernel","name":"sm90_xmma_gemm_f16f16_f32_tn_n_tilesize128x128x32","ph":"X","dur":4,
                "args":{"op_name":"MatMul","parent_name":"q_proj/MatMul_kernel_time"}},
              {"cat":"Node","name":"attn/Softmax_kernel_time","ph":"X","dur":1,"args":{"op_name":"Softmax","provider":"CUDAExecutionProvider"}},
              {"cat":"Kernel","name":"softmax_warp_forward","ph":"X","dur":1,"args":{"op_name":"Softmax","parent_name":"attn/Softmax_kernel_time"}},
              {"cat":"Node","name":"pooler/Gemm_kernel_time","ph":"X","dur":2,"args":{"op_name":"Gemm","provider":"CUDAExecutionProvider"}},
              {"cat":"Kernel","name":"cutlass_80_tensorop_h16816gemm_128x64","ph":"X","dur":2,
                "args":{"op_name":"Gemm","parent_name":"pooler/Gemm_kernel_time"}},
              {"cat":"Kernel","name":"cutlass_80_tensorop_h16816gemm_128x64","ph":"X","dur":2,"args":{"op_name":"Gemm","parent_name":"pooler/Gemm_kernel_time"}}
            ]
            """);

        var nodes = KernelProfile.Read(path, "MatMul", "Gemm");

        Assert.Equal(["q_proj/MatMul", "pooler/Gemm"], nodes.Select(n => n.Node));
        Assert.Equal(["sm90_xmma_gemm_f16f16_f32_tn_n_tilesize128x128x32"], nodes[0].Kernels);
        Assert.Equal(["cutlass_80_tensorop_h16816gemm_128x64"], nodes[1].Kernels);
        Assert.All(nodes, n => Assert.Equal("CUDAExecutionProvider", n.Provider));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
