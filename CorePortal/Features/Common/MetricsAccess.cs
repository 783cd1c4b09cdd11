using System.Net;

namespace CorePortal.Features.Common;

/// <summary>
/// Who may read <c>/metrics</c>: loopback callers and those inside Metrics:AllowedNetworks. Decided on the connection's own
/// address, never on forwarded headers, so a proxy in front cannot make an outside caller look local.
/// </summary>
public static class MetricsAccess
{
    public const string Section = "Metrics:AllowedNetworks";

    public static bool IsAllowed(IPAddress? caller, IReadOnlyList<IPNetwork> networks)
    {
        if (caller is null) return false;
        if (caller.IsIPv4MappedToIPv6) caller = caller.MapToIPv4(); // "::ffff:10.1.2.3" as it arrives on a dual-stack socket
        if (IPAddress.IsLoopback(caller)) return true;
        foreach (var network in networks)
            if (network.Contains(caller)) return true;
        return false;
    }

    /// <summary>The configured networks (CIDR strings such as "10.0.0.0/8"); a malformed one stops the app at start.</summary>
    public static IReadOnlyList<IPNetwork> Networks(IConfiguration configuration) =>
        [.. (configuration.GetSection(Section).Get<string[]>() ?? []).Select(cidr => IPNetwork.TryParse(cidr.Trim(), out var network)
            ? network
            : throw new InvalidOperationException($"{Section} holds \"{cidr}\", which is not a network in CIDR form such as 10.0.0.0/8."))];
}
