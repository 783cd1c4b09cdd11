namespace CorePortal.Features.Live;

public enum BalanceTopicKind { All, Client, Purchase, Location }

/// <summary>What a subscription listens to: the changes to one client's pools, to one purchase, to the pools of one location, or all.</summary>
public readonly record struct BalanceTopic(BalanceTopicKind Kind, int Id)
{
    /// <summary>Every change on this server; for screens whose contents no key names ahead (the Live page) and the hub bridge.</summary>
    public static readonly BalanceTopic All = new(BalanceTopicKind.All, 0);

    /// <summary>Changes to pools the client can use: their own purchases and those shared with them (accepted at commit time).</summary>
    public static BalanceTopic Client(int clientId) => new(BalanceTopicKind.Client, clientId);

    public static BalanceTopic Purchase(int purchaseId) => new(BalanceTopicKind.Purchase, purchaseId);

    /// <summary>Changes to pools sold at the location (a booking elsewhere from such a pool included).</summary>
    public static BalanceTopic Location(int locationId) => new(BalanceTopicKind.Location, locationId);

    public override string ToString() => Kind == BalanceTopicKind.All ? "all" : $"{Kind} {Id}";
}
