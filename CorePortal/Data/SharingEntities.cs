using System.ComponentModel.DataAnnotations;

namespace CorePortal.Data;

public enum OutboxChannel { Email = 0, Push = 1 }

public enum OutboxStatus { Pending = 0, Sent = 1, Failed = 2, Cancelled = 3 }

/// <summary>
/// A message waiting to leave the building, written in the same transaction as the change it announces,
/// so a sale never waits on SMTP and a restart loses nothing.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public OutboxChannel Channel { get; set; }
    public int ClientId { get; set; }
    public int? PurchaseShareId { get; set; }
    /// <summary>Set for an app invitation: the member login whose set-password link the mail carries.</summary>
    [MaxLength(450)] public string? MemberLoginId { get; set; }
    [MaxLength(200)] public required string Recipient { get; set; }
    [MaxLength(300)] public required string Subject { get; set; }
    [MaxLength(4000)] public required string Body { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    [MaxLength(1000)] public string? LastError { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime NextAttemptAtUtc { get; set; }
    public DateTime? SentAtUtc { get; set; }
}

/// <summary>One entry of a client's in-app notification feed (what a push notification says).</summary>
public sealed class Notification
{
    public long Id { get; set; }
    public int ClientId { get; set; }
    [MaxLength(500)] public required string Text { get; set; }
    public int? PurchaseShareId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>Append-only history of a purchase's sharing: invitations, answers, removals, terms changed by a manager.</summary>
public sealed class PurchaseHistoryEntry
{
    public long Id { get; set; }
    public int PurchaseId { get; set; }
    [MaxLength(500)] public required string Text { get; set; }
    [MaxLength(200)] public required string Actor { get; set; }
    public DateTime AtUtc { get; set; }
}

/// <summary>
/// One request of a member to share a purchase by email or barcode (through the app), whether or not it matched a client:
/// the daily limit counts these rows, so it holds across servers. <c>Contact</c> (what the member typed) is kept only when
/// the request invited someone, for the member's list of pending invitations; a non-client's address is not kept.
/// </summary>
public sealed class ShareRequest
{
    public long Id { get; set; }
    public int RequestedByClientId { get; set; }
    public int PurchaseId { get; set; }
    public int? PurchaseShareId { get; set; }
    [MaxLength(200)] public string? Contact { get; set; }
    public DateTime AtUtc { get; set; }
}
