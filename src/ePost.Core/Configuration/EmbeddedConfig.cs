using System.Reflection;
using Akka.Configuration;

namespace ePost.Core.Configuration;

/// <summary>Reads a layer's documented defaults: a HOCON file from <c>hocon/</c> embedded in the layer's assembly.</summary>
public static class EmbeddedConfig
{
    /// <summary>Parses the embedded resource <paramref name="logicalName"/> of <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">When the build did not embed it.</exception>
    public static Config Load(Assembly assembly, string logicalName)
    {
        using var stream = assembly.GetManifestResourceStream(logicalName)
                           ?? throw new InvalidOperationException($"{logicalName} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
