using System.ComponentModel.DataAnnotations;

namespace CorePortal.Data;

public enum FreezeStatus { Active = 0, Undone = 1 }

/// <summary>
/// A hold on a purchase: no bookings on its days. EndsOn null means until unfrozen; an early unfreeze sets EndsOn to the real
/// last frozen day and keeps the planned one. An undone freeze (a bulk undo) no longer counts anywhere.
/// </summary>
public sealed class Freeze
{
    public int Id { get; set; }
    public int PurchaseId { get; set; }
    public Purchase? Purchase { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public DateOnly? PlannedEndsOn { get; set; }
    public FreezeMode Mode { get; set; }
    public FreezeStatus Status { get; set; }
    [MaxLength(500)] public string? Note { get; set; }
    /// <summary>Set when a Manager froze outside the item's freeze rules: why.</summary>
    [MaxLength(500)] public string? OverrideNote { get; set; }
    [MaxLength(200)] public required string Actor { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? EndedAtUtc { get; set; }
    public int? BulkFreezeId { get; set; }
    public int? FreezeRequestId { get; set; }
}

/// <summary>One bulk freeze (a studio closed for a week): its freezes are applied, and undone, as one.</summary>
public sealed class BulkFreeze
{
    public int Id { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public FreezeMode Mode { get; set; }
    /// <summary>What was picked, in words: "All active at Downtown", "Monthly 8 at all locations".</summary>
    [MaxLength(300)] public required string Scope { get; set; }
    [MaxLength(500)] public string? Note { get; set; }
    [MaxLength(200)] public required string Actor { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? UndoneAtUtc { get; set; }
    [MaxLength(200)] public string? UndoneBy { get; set; }
}

public enum FreezeRequestStatus { Pending = 0, Approved = 1, Declined = 2 }

/// <summary>A member's request to freeze their package or membership; staff approve (which writes the freeze) or decline it.</summary>
public sealed class FreezeRequest
{
    public int Id { get; set; }
    public int PurchaseId { get; set; }
    public Purchase? Purchase { get; set; }
    /// <summary>The member who asked (the purchase's owner).</summary>
    public int ClientId { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    [MaxLength(500)] public string? Note { get; set; }
    public FreezeRequestStatus Status { get; set; }
    public DateTime AskedAtUtc { get; set; }
    public DateTime? AnsweredAtUtc { get; set; }
    [MaxLength(200)] public string? AnsweredBy { get; set; }
    [MaxLength(500)] public string? AnswerNote { get; set; }
}
