namespace WirelessGnn.Models.Plugins;

/// <summary>What <c>wgnn list</c> shows of a plugin.</summary>
/// <param name="Name">Command-line name, e.g. <c>quickstart</c>.</param>
/// <param name="Problem">The problem solved, e.g. <c>interference-channel power control</c>.</param>
/// <param name="Paper">The method's source.</param>
/// <param name="Description">One line.</param>
/// <param name="Version">Plugin version, stored in checkpoints.</param>
public sealed record PluginInfo(string Name, string Problem, string Paper, string Description, string Version);
