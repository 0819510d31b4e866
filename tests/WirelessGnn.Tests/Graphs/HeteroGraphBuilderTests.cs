using NUnit.Framework;
using WirelessGnn.Graphs;

namespace WirelessGnn.Tests.Graphs;

/// <summary>
/// The builder's wireless constructions against small hand-worked cases: complete bipartite, k nearest (ties go to
/// the smaller index), above threshold (strictly), self-loops, meta-path composition (set semantics, excludeSelf only
/// between nodes of one type). Edges always come out ordered by (target, source), with their features.
/// </summary>
[TestFixture]
public class HeteroGraphBuilderTests
{
    private static readonly Relation Link = new("ap", "link", "ms", 1);
    private static readonly Relation Up = new("ms", "up", "ap");
    private static readonly Relation Down = new("ap", "down", "ms");
    private static readonly Relation CoServed = new("ms", "co-served", "ms", 1);
    private static readonly Relation Near = new("ap", "near", "ap");
    private static readonly Relation TwoHop = new("ms", "two-hop", "ap");
    private static readonly GraphSchema Schema = new(
        new[] { new NodeType("ap", 1), new NodeType("ms", 1) },
        new[] { Link, Up, Down, CoServed, Near, TwoHop });

    /// <summary>A builder with APs and MSs whose single feature is their position on a line.</summary>
    private static HeteroGraphBuilder Line(double[] aps, double[] mss)
    {
        var b = new HeteroGraphBuilder(Schema);
        foreach (var x in aps) b.AddNode("ap", new[] { (float)x });
        foreach (var x in mss) b.AddNode("ms", new[] { (float)x });
        return b;
    }

    private static (int, int)[] Pairs(HeteroGraph g, Relation r)
    {
        var e = g.Edges(r);
        return Enumerable.Range(0, e.Count).Select(i => (e.Sources[i], e.Targets[i])).ToArray();
    }

    private static float[] Code(int s, int t) => new[] { 10f * s + t };

    [Test]
    public void Complete_bipartite_joins_every_source_to_every_target_in_target_source_order()
    {
        var g = Line(new double[] { 0, 1 }, new double[] { 0, 1, 2 }).AddCompleteBipartite(Link, Code).Build();
        var expected = new[] { (0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2) };
        Assert.That(Pairs(g, Link), Is.EqualTo(expected));
        Assert.That(g.Edges(Link).Features, Is.EqualTo(expected.Select(p => 10f * p.Item1 + p.Item2).ToArray()), "features travel with their edges");
        Assert.That(g.Edges(Link).Count, Is.EqualTo(6));
        Assert.That(g.Edges(Up).Count, Is.EqualTo(0), "other relations stay empty");
        Assert.That(g.Topology.EdgeCount, Is.EqualTo(6));
        Assert.That(g.Topology.VertexCount, Is.EqualTo(5));
        Assert.That(g.Topology.Edges.Select(e => (e.Relation, e.Source.Index, e.Target.Index, e.Tag.Features[0])),
            Is.EquivalentTo(expected.Select(p => (Link, p.Item1, p.Item2, 10f * p.Item1 + p.Item2))), "the topology view (rebuilt from the edge arrays) holds the same edges and features");
        Assert.That(g.Topology.OutDegree(new GraphNode("ap", 1)), Is.EqualTo(3));
        Assert.That(g.Topology.InDegree(new GraphNode("ms", 2)), Is.EqualTo(2));
    }

    private static readonly double[] ApLine = { 0, 2, 4 };
    private static readonly double[] MsLine = { 1, 3, 10, 2 };
    private static double Distance(int a, int m) => Math.Abs(ApLine[a] - MsLine[m]);

    // MS 0 at 1: distances to APs (1, 1, 3); MS 1 at 3: (3, 1, 1); MS 2 at 10: (10, 8, 6); MS 3 at 2: (2, 0, 2).
    [TestCase(1, new[] { 0, 0, 1, 1, 2, 2, 1, 3 })]
    [TestCase(2, new[] { 0, 0, 1, 0, 1, 1, 2, 1, 1, 2, 2, 2, 0, 3, 1, 3 })]
    public void K_nearest_takes_the_closest_sources_and_breaks_ties_by_the_smaller_index(int k, int[] flatPairs)
    {
        var g = Line(ApLine, MsLine).AddKNearest(Link, k, Distance, Code).Build();
        var expected = Enumerable.Range(0, flatPairs.Length / 2).Select(i => (flatPairs[2 * i], flatPairs[2 * i + 1])).ToArray();
        Assert.That(Pairs(g, Link), Is.EqualTo(expected));
        Assert.That(g.Edges(Link).Features, Is.EqualTo(expected.Select(p => 10f * p.Item1 + p.Item2).ToArray()));
    }

    [Test]
    public void K_nearest_with_k_above_the_source_count_takes_every_source()
    {
        var g = Line(ApLine, MsLine).AddKNearest(Link, 5, Distance, Code).Build();
        Assert.That(g.Edges(Link).Count, Is.EqualTo(12));
        Assert.That(Pairs(g, Link).Take(3), Is.EqualTo(new[] { (0, 0), (1, 0), (2, 0) }));
    }

    [Test]
    public void K_nearest_within_one_node_type_never_picks_the_node_itself()
    {
        // APs at 0, 2, 4: AP 0 -> AP 1 (2 < 4); AP 1 ties AP 0 and AP 2 at 2 -> AP 0; AP 2 -> AP 1.
        var g = Line(ApLine, new double[] { 0 }).AddKNearest(Near, 1, (s, t) => Math.Abs(ApLine[s] - ApLine[t])).Build();
        Assert.That(Pairs(g, Near), Is.EqualTo(new[] { (1, 0), (0, 1), (1, 2) }));
    }

    [Test]
    public void K_nearest_rejects_k_below_one_and_NaN_distances()
    {
        var k0 = Assert.Throws<ArgumentOutOfRangeException>(() => Line(ApLine, MsLine).AddKNearest(Link, 0, Distance, Code));
        Assert.That(k0!.Message, Does.Contain("k must be >= 1"));
        var nan = Assert.Throws<ArgumentException>(() => Line(ApLine, MsLine).AddKNearest(Link, 1, (a, m) => a == 1 && m == 2 ? double.NaN : 1, Code));
        Assert.That(nan!.Message, Does.Contain("distance(1, 2)").And.Contain("NaN"));
    }

    [Test]
    public void Above_threshold_keeps_the_pairs_strictly_above_it()
    {
        double[,] value = { { 0.5, 0.1, 0.3 }, { 0.3, 0.9, 0.2 } };   // [ap, ms]
        var strict = Line(new double[] { 0, 1 }, new double[] { 0, 1, 2 }).AddAboveThreshold(Link, (a, m) => value[a, m], 0.3, Code).Build();
        Assert.That(Pairs(strict, Link), Is.EqualTo(new[] { (0, 0), (1, 1) }), "0.3 is not above 0.3");
        var lower = Line(new double[] { 0, 1 }, new double[] { 0, 1, 2 }).AddAboveThreshold(Link, (a, m) => value[a, m], 0.25, Code).Build();
        Assert.That(Pairs(lower, Link), Is.EqualTo(new[] { (0, 0), (1, 0), (1, 1), (0, 2) }));
        Assert.That(lower.Edges(Link).Features, Is.EqualTo(new[] { 0f, 10f, 11f, 2f }));
    }

    [Test]
    public void Self_loops_join_each_node_to_itself_only_within_one_node_type()
    {
        var g = Line(new double[] { 0 }, new double[] { 0, 1, 2 }).AddSelfLoops(CoServed, Code).Build();
        Assert.That(Pairs(g, CoServed), Is.EqualTo(new[] { (0, 0), (1, 1), (2, 2) }));
        Assert.That(g.Edges(CoServed).Features, Is.EqualTo(new[] { 0f, 11f, 22f }));
        var e = Assert.Throws<ArgumentException>(() => Line(new double[] { 0 }, new double[] { 0 }).AddSelfLoops(Link, Code));
        Assert.That(e!.Message, Does.Contain("Self-loops need a relation from a node type to itself").And.Contain("link"));
    }

    /// <summary>MS 0 and MS 1 are served by AP 0 and AP 1, MS 2 by AP 1 only, MS 3 by none; Down is the reverse of Up.</summary>
    private static HeteroGraphBuilder Served()
    {
        var b = Line(new double[] { 0, 1 }, new double[] { 0, 1, 2, 3 });
        foreach (var (m, a) in new[] { (0, 0), (0, 1), (1, 0), (1, 1), (2, 1) })
        {
            b.AddEdge(Up, m, a);
            b.AddEdge(Down, a, m);
        }
        return b;
    }

    [Test]
    public void Meta_path_composition_joins_each_pair_once_and_leaves_out_self_pairs()
    {
        // MS 0 reaches MS 1 through AP 0 and through AP 1: one edge all the same.
        var g = Served().ComposeMetaPath(new MetaPath("ms-ap-ms", Up, Down), CoServed, excludeSelf: true, Code).Build();
        Assert.That(Pairs(g, CoServed), Is.EqualTo(new[] { (1, 0), (2, 0), (0, 1), (2, 1), (0, 2), (1, 2) }));
        Assert.That(g.Edges(CoServed).Features, Is.EqualTo(new[] { 10f, 20f, 1f, 21f, 2f, 12f }));
    }

    [Test]
    public void Meta_path_composition_keeps_self_pairs_when_asked()
    {
        var g = Served().ComposeMetaPath(new MetaPath("ms-ap-ms", Up, Down), CoServed, excludeSelf: false, Code).Build();
        Assert.That(Pairs(g, CoServed), Is.EqualTo(new[] { (0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1), (0, 2), (1, 2), (2, 2) }),
            "MS 3 has no AP, so it reaches nobody, itself included");
    }

    [Test]
    public void Meta_path_composition_over_three_relations_excludes_self_only_within_one_node_type()
    {
        // ms -> ap -> ms -> ap: MSs 0..2 reach both APs. Source and target types differ, so (0, 0) is a real pair.
        var g = Served().ComposeMetaPath(new MetaPath("ms-ap-ms-ap", Up, Down, Up), TwoHop, excludeSelf: true).Build();
        Assert.That(Pairs(g, TwoHop), Is.EqualTo(new[] { (0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1) }));
    }

    [Test]
    public void Meta_path_composition_rejects_a_result_relation_with_other_end_points()
    {
        var e = Assert.Throws<ArgumentException>(() => Served().ComposeMetaPath(new MetaPath("ms-ap-ms", Up, Down), TwoHop));
        Assert.That(e!.Message, Does.Contain("joins 'ms' to 'ms'").And.Contain("two-hop"));
        var chain = Assert.Throws<ArgumentException>(() => new MetaPath("broken", Up, Up));
        Assert.That(chain!.Message, Does.Contain("ends at 'ap'").And.Contain("starts at 'ms'"));
    }

    [Test]
    public void Edges_added_in_any_order_come_out_ordered_by_target_then_source()
    {
        var rng = new Random(501);
        var all = (from a in Enumerable.Range(0, 3) from m in Enumerable.Range(0, 4) select (a, m)).ToList();
        var chosen = all.Where(_ => rng.NextDouble() < 0.6).OrderBy(_ => rng.Next()).ToList();
        var b = Line(new double[] { 0, 1, 2 }, new double[] { 0, 1, 2, 3 });
        foreach (var (a, m) in chosen) b.AddEdge(Link, a, m, Code(a, m));
        var g = b.Build();
        var expected = chosen.OrderBy(p => p.m).ThenBy(p => p.a).ToArray();
        Assert.That(Pairs(g, Link), Is.EqualTo(expected));
        Assert.That(g.Edges(Link).Features, Is.EqualTo(expected.Select(p => Code(p.a, p.m)[0]).ToArray()));
    }

    [Test]
    public void AddNodes_adds_one_node_per_row()
    {
        var b = new HeteroGraphBuilder(Schema);
        b.AddNodes("ap", new float[,] { { 1.5f }, { -2f } }).AddNodes("ms", new float[,] { { 7f } });
        var g = b.Build();
        Assert.That(g.NodeCount("ap"), Is.EqualTo(2));
        Assert.That(g.NodeFeatureMatrix("ap"), Is.EqualTo(new[] { 1.5f, -2f }));
        Assert.That(g.NodeFeatures("ms", 0), Is.EqualTo(new[] { 7f }));
        Assert.That(g.ToString(), Does.Contain("2 ap").And.Contain("1 ms"));
    }
}
