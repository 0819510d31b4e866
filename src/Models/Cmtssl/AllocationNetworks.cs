using TorchSharp;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>A network that proposes the whole system's allocation and loss weights for a batch of channels.</summary>
public interface IAllocationNetwork
{
    Proposal Propose(MecCellFreeTensors problem);
    /// <summary>Multiply-accumulates per sample of one model that runs on its own (CMTSSL: the model; DMTSSL: one SBS's), decoding included.</summary>
    long MultiplyAccumulatesPerModel { get; }
}

/// <summary>CMTSSL (spec §5.1–5.6): one centralised backbone at the MBS, fed every channel H.</summary>
public sealed class CmtsslNetwork : nn.Module, IAllocationNetwork
{
    private readonly AllocationMlp model;
    private readonly MecCellFreeConfig _problem;
    private readonly CmtsslConfig _config;

    public CmtsslNetwork(CmtsslConfig config, double inputScale) : base(nameof(CmtsslNetwork))
    {
        _config = config;
        _problem = config.Problem;
        int b = _problem.TotalSbss;
        model = new AllocationMlp(AllocationHead.InputWidth(b, _problem, config.LinkGains), config.Hidden,
            AllocationHead.OutputWidth(b, _problem, config.Mapping), inputScale, config.LinkGains);
        RegisterComponents();
    }

    public AllocationMlp Model => model;
    public long MultiplyAccumulatesPerModel =>
        AllocationHead.MultiplyAccumulates(_problem.TotalSbss, _problem, _config.Mapping, _config.LinkGains, model.MultiplyAccumulates);

    public Proposal Propose(MecCellFreeTensors problem) =>
        AllocationHead.Decode(model.call(problem.ChannelRe, problem.ChannelIm), _problem.TotalSbss, _problem, _config.Mapping, _config.BetaFloor,
            problem.ChannelRe, problem.ChannelIm);
}

/// <summary>
/// DMTSSL (spec §5.7): one backbone per SBS, each fed only its own channels H^b and proposing only its own
/// <c>y^b = {w^b, v̄^b}</c> and a full-length β^b; <see cref="Propose"/> is the MBS's aggregation of every SBS's report.
/// In training the plugin routes the SBS/MBS exchange through <see cref="MacroBaseStation.Critique"/>.
/// </summary>
public sealed class DmtsslNetwork : nn.Module, IAllocationNetwork
{
    private readonly nn.Module<Tensor, Tensor, Tensor> sbss;
    private readonly AllocationMlp[] _locals;
    private readonly CmtsslConfig _config;

    /// <summary>A fresh local model per SBS of <paramref name="config"/>'s system.</summary>
    public DmtsslNetwork(CmtsslConfig config, double inputScale)
        : this(config, Enumerable.Range(0, config.Problem.TotalSbss).Select(_ => new AllocationMlp(AllocationHead.InputWidth(1, config.Problem, config.LinkGains),
            config.Hidden, AllocationHead.OutputWidth(1, config.Problem, config.Mapping), inputScale, config.LinkGains)).ToArray())
    {
    }

    /// <summary>The given local models, SBS b's at index b (DATL: the trained ones and the copy).</summary>
    public DmtsslNetwork(CmtsslConfig config, IReadOnlyList<AllocationMlp> locals) : base(nameof(DmtsslNetwork))
    {
        if (locals.Count != config.Problem.TotalSbss)
            throw new ArgumentException($"locals: {locals.Count} SBS models for a system of {config.Problem.TotalSbss} SBSs.", nameof(locals));
        _config = config;
        _locals = locals.ToArray();
        sbss = new LocalModels(_locals);
        RegisterComponents();
    }

    public IReadOnlyList<AllocationMlp> Locals => _locals;
    public long MultiplyAccumulatesPerModel =>
        AllocationHead.MultiplyAccumulates(1, _config.Problem, _config.Mapping, _config.LinkGains, _locals[0].MultiplyAccumulates);

    /// <summary>What SBS <paramref name="b"/> reports: its proposal from its own channels only.</summary>
    public Proposal Report(int b, MecCellFreeTensors problem)
    {
        var (re, im) = (problem.ChannelRe.narrow(1, b, 1), problem.ChannelIm.narrow(1, b, 1));
        return AllocationHead.Decode(_locals[b].call(re, im), 1, _config.Problem, _config.Mapping, _config.BetaFloor, re, im);
    }

    public Proposal Propose(MecCellFreeTensors problem) =>
        MacroBaseStation.Aggregate(Enumerable.Range(0, _locals.Length).Select(b => Report(b, problem)).ToList());

    /// <summary>Holds the local models under the names <c>sbs0, sbs1, …</c> (checkpoint keys).</summary>
    private sealed class LocalModels : nn.Module<Tensor, Tensor, Tensor>
    {
        public LocalModels(IReadOnlyList<AllocationMlp> locals) : base(nameof(LocalModels))
        {
            for (int b = 0; b < locals.Count; b++) register_module($"sbs{b}", locals[b]);
        }

        public override Tensor forward(Tensor re, Tensor im) => throw new NotSupportedException("Call each SBS's model on its own channels.");
    }
}
