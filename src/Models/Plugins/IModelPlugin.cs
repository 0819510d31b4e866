using WirelessGnn.Models.Experiments;

namespace WirelessGnn.Models.Plugins;

/// <summary>The untyped face of a plugin, as the registry and the command line see it.</summary>
public interface IModelPlugin
{
    PluginInfo Info { get; }
    Type ConfigType { get; }

    /// <summary>Trains and/or evaluates as <paramref name="request"/> says and writes the report, curves and plots.</summary>
    ExperimentOutcome Run(ExperimentRequest request);
}
