using System.ComponentModel.DataAnnotations;

namespace CorePortal.Data;

/// <summary>What a late cancellation or a no-show costs: the credit goes back to the pool, or the studio keeps it.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PolicyCost>))]
public enum PolicyCost { RefundCredit = 0, KeepCredit = 1 }

/// <summary>The policy that kept a booking's credit.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BookingPenalty>))]
public enum BookingPenalty { None = 0, LateCancel = 1, NoShow = 2 }

/// <summary>
/// The studio's settings, one row (Id 1, made by the migration): the default booking policy for every catalog item that
/// has none of its own (CatalogItem.HasOwnBookingPolicy false). Same fields and meaning as on the item.
/// </summary>
public sealed class StudioSettings
{
    public const int SingletonId = 1;
    public int Id { get; set; } = SingletonId;
    public int LateCancelHours { get; set; }
    public PolicyCost LateCancelCost { get; set; } = PolicyCost.KeepCredit;
    public PolicyCost NoShowCost { get; set; } = PolicyCost.KeepCredit;
    public int GraceCount { get; set; }
    public int GraceWindowDays { get; set; } = 30;
    [ConcurrencyCheck] public Guid Version { get; set; } = Guid.NewGuid();
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<WaitlistStatus>))]
public enum WaitlistStatus { Waiting = 0, Promoted = 1, Left = 2, Skipped = 3, Closed = 4 }

/// <summary>
/// A client waiting for a place in a full session. Joining reserves a credit source (PurchaseId) but spends nothing; a
/// promotion books through the same guarded debit as any booking. Position: Waiting entries by JoinedAtUtc, then Id.
/// </summary>
public sealed class WaitlistEntry
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public Session? Session { get; set; }
    public int ClientId { get; set; }
    public Client? Client { get; set; }
    /// <summary>The reserved credit source: the one chosen, or the earliest-expiring eligible one when the client joined.</summary>
    public int PurchaseId { get; set; }
    public Purchase? Purchase { get; set; }
    public WaitlistStatus Status { get; set; }
    public DateTime JoinedAtUtc { get; set; }
    public DateTime? ResolvedAtUtc { get; set; }
    /// <summary>Set once promoted: the booking it made.</summary>
    public int? BookingId { get; set; }
    /// <summary>Why the entry left the list (skipped: no credit left, an overlapping booking; closed: the cutoff passed).</summary>
    [MaxLength(300)] public string? Reason { get; set; }
    /// <summary>Set while Waiting, so a client waits once per session (unique with SessionId).</summary>
    public int? ActiveClientId { get; set; }
    [MaxLength(200)] public required string Actor { get; set; }
}
