// WirelessGnn benchmarks (BenchmarkDotNet): sparse vs dense graph layouts, CPU vs CUDA, at cell-free sizes.
//
//   dotnet run -c Release --project benchmarks -- --filter '*'                 # BenchmarkDotNet's default job
//   dotnet run -c Release --project benchmarks -- --filter '*' --job short     # BenchmarkDotNet's short job
//   dotnet run -c Release --project benchmarks -- --filter '*' --quick         # ours: 1 warm-up, 3 iterations
//   dotnet run -c Release --project benchmarks -- --filter '*MessagePassing*' --quick
//   dotnet run -c Release --project benchmarks -- --list flat                  # what there is
//   dotnet run -c Release --project benchmarks -- --check                      # sparse == dense, then exit
//
// Every other argument is BenchmarkDotNet's (--filter, --job, --anyCategories, --exporters, --inProcess, ...).
// Results (markdown, CSV, HTML) go to ./BenchmarkDotNet.Artifacts/results. CUDA cases run only where libtorch sees a
// GPU (a -p:TorchBackend=cuda build on a machine with one); elsewhere they are skipped.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using WirelessGnn.Benchmarks;
using WirelessGnn.Graphs;

const string QuickFlag = "--quick", CheckFlag = "--check";
if (args.Any(a => string.Equals(a, CheckFlag, StringComparison.OrdinalIgnoreCase)))
{
    Console.WriteLine("Checking that the sparse and the dense layout compute the same numbers at every size (CPU):");
    return LayoutCheck.Run(Console.Out) ? 0 : 1;
}

bool quick = args.Any(a => string.Equals(a, QuickFlag, StringComparison.OrdinalIgnoreCase));
args = args.Where(a => !string.Equals(a, QuickFlag, StringComparison.OrdinalIgnoreCase)).ToArray();

// Threads are left at libtorch's default on purpose; report them so that results can be compared.
Console.WriteLine($"WirelessGnn benchmarks: {TorchDevice.Describe()} (torch.get_num_threads() = {TorchSharp.torch.get_num_threads()}, {Environment.ProcessorCount} logical CPUs)");
Console.WriteLine(BenchmarkDevices.CudaAvailable
    ? "CUDA is available: the Device axis runs cpu and cuda."
    : "note: CUDA is not available (CPU-only libtorch or no GPU); the cuda cases of the Device axis are skipped.");
Console.WriteLine($"Cell-free batches: {CellFreeBenchmark.GraphCount} graphs, complete bipartite AP<->MS, hidden width {CellFreeBenchmark.Hidden}.");

// In-process: BenchmarkDotNet's out-of-process toolchain builds its own project with ImportDirectoryBuildTargets=false,
// so build/TorchNative.targets never patches that copy of libLibTorchSharp.so and the child process cannot load
// libtorch where the system libstdc++ lacks GLIBCXX_3.4.32 (Debian 12). A mutator job sets the toolchain of every job,
// whether it comes from --quick, from the command line (--job short, --iterationCount ...) or is the default one.
IConfig config = DefaultConfig.Instance
    .AddJob(new Job("InProcess").WithToolchain(InProcessEmitToolchain.Instance).AsMutator());
if (quick)
{
    Console.WriteLine("--quick: 1 launch, 1 warm-up, 3 iterations of ~100 ms each (a first look, not a measurement to publish).");
    config = config.AddJob(Job.Default
        .WithId("Quick")
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(3)
        .WithIterationTime(TimeInterval.FromMilliseconds(100)));
}

string[] informational = { "--list", "--help", "-h", "--version", "--info", "-?" };
if (!args.Any(a => informational.Contains(a, StringComparer.OrdinalIgnoreCase)))
{
    // Unmeasured, on a thread of its own that then exits: keeps libtorch's lazy start out of the first benchmark.
    // Not on this (main) thread: an OpenMP team started here outlives the warm-up, and small kernels measured later on
    // BenchmarkDotNet's thread then ran ~10x slower (index_add at 16 APs x 4 MSs: ~0.6 ms instead of ~0.06 ms).
    var warmup = new Thread(ProcessWarmup.Run);
    warmup.Start();
    warmup.Join();
}

BenchmarkSwitcher.FromAssembly(typeof(CellFreeBenchmark).Assembly).Run(args, config);
return 0;
