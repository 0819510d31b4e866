using System.CommandLine;
using WirelessGnn.Graphs;

namespace WirelessGnn.Cli;

/// <summary>The <c>wgnn</c> root command and its common options.</summary>
public static class WgnnCommand
{
    /// <summary><c>--device cpu|cuda|cuda:N|auto</c>, shared by every command that computes.</summary>
    public static readonly Option<string> Device = new("--device")
    {
        Description = "Compute device: cpu, cuda, cuda:N or auto (CUDA when available). CUDA without a GPU falls back to CPU with a warning.",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    /// <summary>
    /// <c>--threads N</c>: libtorch's intra-op threads, default 1 (not libtorch's one per core). Measured on 2 cores:
    /// idle, two threads were 10 % faster than one (CF-HGNN, 300 steps: 41.8 against 46.4 s); with one core busy with
    /// another run, two threads made <c>reproduce quickstart --quick</c> take over 10 min against 36 s with one, since
    /// every op waits for its slowest thread. The models here are small, so one thread loses little where it is alone.
    /// </summary>
    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "CPU threads libtorch uses inside one operation, 1..1024 (default 1). More helps a little on idle cores (about 10 % with 2); on cores shared with other work, more than 1 slows runs down many times.",
        DefaultValueFactory = _ => 1,
        Recursive = true,
    };

    /// <summary><c>--verbose</c>: stack traces on errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print stack traces on errors.",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand("wgnn — graph neural networks for wireless resource allocation (WirelessGnn).");
        root.Options.Add(Device);
        root.Options.Add(Threads);
        root.Options.Add(Verbose);
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        foreach (var command in RunCommands.Create()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Sets libtorch's intra-op threads from <c>--threads</c> (default 1).</summary>
    public static void ApplyThreads(ParseResult parse)
    {
        int threads = parse.GetValue(Threads);
        Require.InRange(threads, 1, 1024, "--threads");
        TorchSharp.torch.set_num_threads(threads);
    }

    /// <summary>Runs <paramref name="body"/>, turning errors into one clear line and exit code 1.</summary>
    public static int Guarded(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (!parse.GetValue(Verbose))
        {
            Console.Error.WriteLine($"wgnn: error: {Innermost(e) switch { ArgumentException a => Require.Reason(a), var inner => inner.Message }}");
            return 1;
        }
    }

    private static Exception Innermost(Exception e) => e is TypeInitializationException { InnerException: { } inner } ? Innermost(inner) : e;
}
