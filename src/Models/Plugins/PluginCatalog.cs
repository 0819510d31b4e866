using WirelessGnn.Models.CfHgnn;
using WirelessGnn.Models.Hbgnn;
using WirelessGnn.Models.Cmtssl;
using WirelessGnn.Models.Quickstart;
using WirelessGnn.Models.RoutedMtl;


namespace WirelessGnn.Models.Plugins;

/// <summary>The one catalogue of plugins; <c>wgnn list</c> shows it.</summary>
public static class PluginCatalog
{
    private static readonly IModelPlugin[] Plugins =
    {
        new QuickstartPlugin(),
        new CfHgnnPlugin(),
        new CfHgnnPlugin(equivariant: true),
        new HbgnnPlugin(),
        new RoutedMtlPlugin(),
        new CmtsslPlugin(),
        new CmtsslPlugin(distributed: true),
    };

    public static IReadOnlyList<IModelPlugin> All => Plugins;

    /// <summary>The plugin called <paramref name="name"/> (case-insensitive); throws listing the known names.</summary>
    public static IModelPlugin Find(string name) =>
        Plugins.FirstOrDefault(p => string.Equals(p.Info.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown plugin '{name}'. Known plugins: {string.Join(", ", Plugins.Select(p => p.Info.Name))} (see 'wgnn list').");
}
