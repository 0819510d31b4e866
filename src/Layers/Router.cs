using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WirelessGnn.Layers;

/// <summary>
/// The router DNN (rDNN) of a routed multi-task network: a task's one-hot <c>[Tasks]</c> goes through
/// <c>FC(Tasks → Hidden)</c>, the hidden activation (ReLU by default), <c>FC(Hidden → Σ masks)</c> and
/// <see cref="RoutingActivation"/>, and the output is split,
/// row-major and in order, into one mask per routed layer (shapes <see cref="MaskShapes"/>). Every weight starts at
/// <c>N(μ, σ²)</c> and every bias at 0, so with μ &gt; 0 every path starts open with a usable gradient.
/// Forward: one-hot rows <c>[T, Tasks]</c> -> flat masks <c>[T, Σ rows·cols]</c>.
/// </summary>
public sealed class Router : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden, output;
    private readonly nn.Module<Tensor, Tensor>? hiddenActivation;

    /// <param name="tasks">Length of the one-hot task indicator.</param>
    /// <param name="hiddenWidth">Hidden width T.</param>
    /// <param name="maskShapes">(rows, cols) of each routed layer's mask, in order.</param>
    /// <param name="gamma">Slope γ of the routing activation, &gt; 0.</param>
    /// <param name="mean">Mean μ of the initial weights.</param>
    /// <param name="std">Standard deviation σ of the initial weights, ≥ 0.</param>
    /// <param name="activation">
    /// Activation of the hidden layer. With a one-hot input the hidden layer is a learned vector per task, so
    /// <see cref="Activation.None"/> is no less expressive than ReLU (it allows negative entries) and has no dead units;
    /// with ReLU a task whose hidden units are all pushed to ≤ 0 loses every gradient to its masks for good.
    /// </param>
    public Router(int tasks, int hiddenWidth, IReadOnlyList<(int Rows, int Cols)> maskShapes, double gamma, double mean, double std,
        Activation activation = Activation.ReLU) : base(nameof(Router))
    {
        if (tasks < 1) throw new ArgumentOutOfRangeException(nameof(tasks), tasks, "tasks must be >= 1.");
        if (hiddenWidth < 1) throw new ArgumentOutOfRangeException(nameof(hiddenWidth), hiddenWidth, "hiddenWidth must be >= 1.");
        if (maskShapes.Count == 0 || maskShapes.Any(s => s.Rows < 1 || s.Cols < 1))
            throw new ArgumentException($"maskShapes: expected at least one shape with rows, cols >= 1, got [{string.Join(", ", maskShapes)}].", nameof(maskShapes));
        if (!(gamma > 0)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be > 0.");
        if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be >= 0.");
        Tasks = tasks;
        Gamma = gamma;
        HiddenActivation = activation;
        MaskShapes = maskShapes.ToArray();
        MaskSize = MaskShapes.Sum(s => s.Rows * s.Cols);
        hidden = nn.Linear(tasks, hiddenWidth);
        output = nn.Linear(hiddenWidth, MaskSize);
        hiddenActivation = ActivationModules.Create(activation, 0.01);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var layer in new[] { hidden, output })
        {
            nn.init.normal_(layer.weight!, mean, std);
            nn.init.zeros_(layer.bias!);
        }
    }

    public int Tasks { get; }
    public double Gamma { get; }
    public Activation HiddenActivation { get; }
    public IReadOnlyList<(int Rows, int Cols)> MaskShapes { get; }
    /// <summary>Entries of all masks of one task.</summary>
    public int MaskSize { get; }

    /// <param name="oneHot">Task indicators <c>[T, Tasks]</c>.</param>
    /// <returns>Soft masks in [0, 1), <c>[T, MaskSize]</c>.</returns>
    public override Tensor forward(Tensor oneHot)
    {
        if (oneHot.dim() != 2 || oneHot.shape[1] != Tasks)
            throw new ArgumentException($"Router input: expected one-hot rows [T, {Tasks}], got [{string.Join(", ", oneHot.shape)}].", nameof(oneHot));
        var h = hidden.call(oneHot);
        if (hiddenActivation is not null) h = hiddenActivation.call(h);
        return RoutingActivation.Apply(output.call(h), Gamma);
    }

    /// <summary>The soft masks of every task, <c>[Tasks, MaskSize]</c>.</summary>
    public Tensor AllTasks() => forward(eye(Tasks, dtype: hidden.weight!.dtype, device: hidden.weight!.device));

    /// <summary>One task's flat mask row <c>[MaskSize]</c> split into the routed layers' masks <c>[rows, cols]</c>.</summary>
    public Tensor[] Split(Tensor flat)
    {
        if (flat.dim() != 1 || flat.shape[0] != MaskSize)
            throw new ArgumentException($"Router.Split: expected a flat mask [{MaskSize}], got [{string.Join(", ", flat.shape)}].", nameof(flat));
        var masks = new Tensor[MaskShapes.Count];
        long offset = 0;
        for (int i = 0; i < masks.Length; i++)
        {
            var (rows, cols) = MaskShapes[i];
            masks[i] = flat.narrow(0, offset, rows * cols).reshape(rows, cols);
            offset += rows * cols;
        }
        return masks;
    }
}
