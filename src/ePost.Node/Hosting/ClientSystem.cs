using Akka.Actor;
using Akka.Configuration;

namespace ePost.Node.Hosting;

/// <summary>
/// A short-lived actor system through which a tool talks to running nodes over Akka.Remote: the nodes' serializer
/// bindings, a free local port, quiet logs. It reaches a node only through the node's entry point, the overlay, and
/// only its asks' reply slots (<c>/temp</c>) are reachable from the network.
/// </summary>
public static class ClientSystem
{
    /// <summary>Starts one; the caller terminates it.</summary>
    public static ActorSystem Create(string name) =>
        ActorSystem.Create(name, NodeConfig.Build(ConfigurationFactory.ParseString("""
            epost.node.port = 0
            akka.loglevel = WARNING
            epost.transport.addressable-paths = ["/temp"]
            """)));

    /// <summary>The entry point (the overlay actor) of the node at <paramref name="address"/>: the one actor a tool may reach.</summary>
    public static ActorSelection EntryPoint(ActorSystem client, string address) =>
        client.ActorSelection($"{address}/user/{NodeGuardian.Name}/{NodeGuardian.OverlayName}");
}
