namespace WirelessGnn.Models.RoutedMtl;

/// <summary>The two problems of the task list (spec mtl-routing §3).</summary>
public enum TaskKind
{
    /// <summary>FDMA delay minimisation P3, learned supervised from the KKT labels; softmax head.</summary>
    Delay,
    /// <summary>Average sum-capacity maximisation P4, learned unsupervised by primal-dual; sigmoid head.</summary>
    Capacity,
}

/// <summary>One task: its 0-based index in the one-hot, its problem and its size N_i (input and output width).</summary>
public sealed record MtlTask(int Index, TaskKind Kind, int Bands)
{
    public override string ToString() => $"{(Kind == TaskKind.Delay ? "delay" : "capacity")} N={Bands}";

    /// <summary>The task list [R ordering]: the delay tasks at every size, then the capacity tasks at every size.</summary>
    public static IReadOnlyList<MtlTask> List(IReadOnlyList<int> sizes) =>
        sizes.Select((n, i) => new MtlTask(i, TaskKind.Delay, n))
            .Concat(sizes.Select((n, i) => new MtlTask(sizes.Count + i, TaskKind.Capacity, n))).ToArray();
}
