// Compose a new heterogeneous GNN from WirelessGnn's layers and train it on a toy cell-free task:
// every MS learns the total gain it receives from the APs that serve it (a sum over a pruned AP-MS relation).
// Run: dotnet run --project samples/ComposeModel
using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using static TorchSharp.torch;

var downlink = new Relation("ap", "downlink", "ms", edgeFeatureCount: 1);
var uplink = new Relation("ms", "uplink", "ap", edgeFeatureCount: 1);
var schema = new GraphSchema(new[] { new NodeType("ap", 2), new NodeType("ms", 2) }, new[] { downlink, uplink });

var rng = new Random(7);
HeteroGraph Layout(int aps, int mss, out float[] target)
{
    var ap = Enumerable.Range(0, aps).Select(_ => (x: rng.NextDouble(), y: rng.NextDouble())).ToArray();
    var ms = Enumerable.Range(0, mss).Select(_ => (x: rng.NextDouble(), y: rng.NextDouble())).ToArray();
    float Gain(int a, int m) => (float)Math.Exp(-8 * Math.Sqrt(Math.Pow(ap[a].x - ms[m].x, 2) + Math.Pow(ap[a].y - ms[m].y, 2)));
    // Each MS is served by its 3 strongest APs (user-centric clustering); messages flow both ways.
    var served = new bool[aps, mss];
    for (int m = 0; m < mss; m++)
        foreach (var a in Enumerable.Range(0, aps).OrderByDescending(a => Gain(a, m)).Take(3)) served[a, m] = true;
    var builder = new HeteroGraphBuilder(schema);
    foreach (var p in ap) builder.AddNode("ap", new[] { (float)p.x, (float)p.y });
    foreach (var p in ms) builder.AddNode("ms", new[] { (float)p.x, (float)p.y });
    builder.AddWhere(downlink, (a, m) => served[a, m], (a, m) => new[] { Gain(a, m) });
    builder.AddWhere(uplink, (m, a) => served[a, m], (m, a) => new[] { Gain(a, m) });
    target = Enumerable.Range(0, mss).Select(m => Enumerable.Range(0, aps).Where(a => served[a, m]).Sum(a => Gain(a, m))).ToArray();
    return builder.Build();
}

var graphs = new List<HeteroGraph>();
var targets = new List<float>();
for (int i = 0; i < 32; i++)
{
    graphs.Add(Layout(rng.Next(4, 9), rng.Next(2, 7), out var t));
    targets.AddRange(t);
}

// The model: per-type adaptive embeddings, two meta-path layers with semantic attention, an MS head.
torch.manual_seed(1);
var widths = new Dictionary<string, int> { ["ap"] = 16, ["ms"] = 16 };
var embedAp = new AdaptiveEmbedding(maxInputs: 2, embeddingWidth: 16, batchNorm: false);
var embedMs = new AdaptiveEmbedding(maxInputs: 2, embeddingWidth: 16, batchNorm: false);
var layers = Enumerable.Range(0, 2).Select(_ => new HeteroMetaPathLayer(new[] { downlink, uplink }, widths,
    new MessagePassingOptions { Hidden = 16, Aggregation = Aggregation.Sum })).ToArray();
var head = new Mlp(new[] { 16, 16, 1 }, Activation.ReLU, activateLast: false);
var parameters = new[] { embedAp.parameters(), embedMs.parameters(), head.parameters() }
    .Concat(layers.Select(l => l.parameters())).SelectMany(p => p).ToList();

Tensor Forward(GraphView view)
{
    IReadOnlyDictionary<string, Tensor> x = new Dictionary<string, Tensor>
    {
        ["ap"] = view.Nodes("ap").Nodewise(embedAp, view.Features("ap")),
        ["ms"] = view.Nodes("ms").Nodewise(embedMs, view.Features("ms")),
    };
    foreach (var layer in layers) x = layer.call(x, view);
    return view.Nodes("ms").Flatten(head.call(x["ms"])).squeeze(-1);   // [N_ms total], graph-major
}

using var batch = GraphBatch.Collate(graphs);
var y = tensor(targets.ToArray());
var optimizer = optim.Adam(parameters, 3e-3);
for (int step = 1; step <= 200; step++)
{
    using var scope = NewDisposeScope();
    optimizer.zero_grad();
    var loss = nn.functional.mse_loss(Forward(batch.Sparse), y);
    loss.backward();
    optimizer.step();
    if (step % 50 == 0) Console.WriteLine($"step {step,3}: mse {loss.item<float>():F5}");
}
using (no_grad())
{
    var gap = (Forward(batch.Sparse) - Forward(batch.Dense)).abs().max().item<float>();
    Console.WriteLine($"sparse view vs dense view, largest difference: {gap:E2}");
}
