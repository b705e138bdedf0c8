using Akka.Actor;
using Akka.Configuration;

namespace ePost.Node.Hosting;

/// <summary>
/// A short-lived actor system through which a tool talks to running nodes over Akka.Remote: the nodes' serializer
/// bindings, a free local port, quiet logs.
/// </summary>
public static class ClientSystem
{
    /// <summary>Starts one; the caller terminates it.</summary>
    public static ActorSystem Create(string name) =>
        ActorSystem.Create(name, NodeConfig.Build(ConfigurationFactory.ParseString("epost.node.port = 0\nakka.loglevel = WARNING")));

    /// <summary>The actor at <paramref name="layer"/> under the node guardian of the node at <paramref name="address"/>.</summary>
    public static ActorSelection Layer(ActorSystem client, string address, string layer) =>
        client.ActorSelection($"{address}/user/{NodeGuardian.Name}/{layer}");
}
