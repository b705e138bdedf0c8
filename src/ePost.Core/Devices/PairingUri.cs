using System.Globalization;

namespace ePost.Core.Devices;

/// <summary>Where and with what a new device pairs: <c>epost-pair://HOST:PORT/CODE</c>, what the QR code holds.</summary>
/// <param name="Host">The issuing device's pairing listener host.</param>
/// <param name="Port">Its port.</param>
/// <param name="Code">The one-time code.</param>
public sealed record PairingUri(string Host, int Port, PairingCode Code)
{
    private const string Scheme = "epost-pair://";

    /// <summary>Reads a pairing URI.</summary>
    /// <exception cref="PairingException">When it is not one.</exception>
    public static PairingUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (!trimmed.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            throw new PairingException($"'{text}' is not a pairing address: it starts with {Scheme} (as epost device add prints it).");
        var rest = trimmed[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var colon = slash < 0 ? -1 : rest.LastIndexOf(':', slash);
        if (slash < 0 || colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1, slash - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new PairingException($"'{text}' is not a pairing address: it reads {Scheme}HOST:PORT/CODE.");
        return new PairingUri(rest[..colon], port, PairingCode.Parse(rest[(slash + 1)..]));
    }

    /// <summary>The URI text.</summary>
    public override string ToString() => $"{Scheme}{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Code.ToString().Replace("-", "", StringComparison.Ordinal)}";
}
