using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Data;

public sealed class Location
{
    public int Id { get; set; }
    [MaxLength(120)] public required string Name { get; set; }
    /// <summary>
    /// The location's IANA time zone ("Europe/London"); empty means the server's. Its sessions are stored and shown in this
    /// zone's local time, and every window before a start (late cancellation, waitlist cutoff) is measured in it.
    /// </summary>
    [MaxLength(64)] public string TimeZoneId { get; set; } = "";
    /// <summary>Hours before a session's start after which nobody is promoted from its waitlist (the list closes).</summary>
    public int WaitlistCutoffHours { get; set; } = 2;
}

public sealed class Client
{
    public int Id { get; set; }
    [MaxLength(80)] public required string FirstName { get; set; }
    [MaxLength(80)] public required string LastName { get; set; }
    [MaxLength(200)] public required string Email { get; set; }
    [MaxLength(40)] public required string Phone { get; set; }
    [MaxLength(40)] public required string Barcode { get; set; }
    public int HomeLocationId { get; set; }
    public Location? HomeLocation { get; set; }

    // Search keys, kept in step with the fields above by ClientSearchKeys.Apply: lower-case text and
    // phone digits (also reversed, so "ends with" searches can use an index too).
    [MaxLength(80)] public string FirstNameKey { get; set; } = "";
    [MaxLength(80)] public string LastNameKey { get; set; } = "";
    [MaxLength(200)] public string EmailKey { get; set; } = "";
    [MaxLength(40)] public string PhoneDigits { get; set; } = "";
    [MaxLength(40)] public string PhoneDigitsReversed { get; set; } = "";

    /// <summary>The Idempotency-Key of the API request that added the client: a retry returns this client.</summary>
    [MaxLength(100)] public string? RequestKey { get; set; }

    public string FullName => $"{FirstName} {LastName}";
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CatalogKind>))]
public enum CatalogKind { Package = 0, Membership = 1 }

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PeriodUnit>))]
public enum PeriodUnit { Week = 0, Month = 1 }

/// <summary>A membership renews every period until cancelled (open-ended) or stops after a number of periods (fixed-term).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RenewalKind>))]
public enum RenewalKind { FixedTerm = 0, OpenEnded = 1 }

/// <summary>
/// What a freeze does to the time it covers. Extend: the frozen days are added to the validity (every later period, and a
/// package's end, moves by them). Prorate: a partly frozen membership period keeps credits in proportion to its active days.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<FreezeMode>))]
public enum FreezeMode { Extend = 0, Prorate = 1 }

/// <summary>What happens to a membership period's unused credits at its end: expired (None), all rolled, or rolled up to a cap.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RolloverRule>))]
public enum RolloverRule { None = 0, All = 1, UpTo = 2 }

/// <summary>A package or membership as sold; its terms are copied onto each purchase at the time of sale.</summary>
public sealed class CatalogItem
{
    public int Id { get; set; }
    public CatalogKind Kind { get; set; }
    [MaxLength(120)] public required string Name { get; set; }
    public long PriceCents { get; set; }
    public int LocationId { get; set; }
    public Location? Location { get; set; }
    /// <summary>Credits in each time frame; null means unlimited.</summary>
    public int? CreditsPerPeriod { get; set; }
    /// <summary>Membership: the length of one time frame.</summary>
    public PeriodUnit PeriodUnit { get; set; }
    /// <summary>Membership: how many time frames a fixed-term sale covers.</summary>
    public int PeriodCount { get; set; } = 1;
    /// <summary>Membership: open-ended (renews until cancelled) or fixed-term (<see cref="PeriodCount"/> periods).</summary>
    public RenewalKind Renewal { get; set; }
    /// <summary>Package: days from the sale until the credits expire.</summary>
    public int ValidityDays { get; set; }
    public bool AllowSharing { get; set; }
    public int? SharingLimit { get; set; }
    public bool IsActive { get; set; } = true;

    // Freeze rules: the studio's policy for this item, read when a freeze is asked for (a Manager may override with a note).
    public bool AllowFreeze { get; set; }
    public int? FreezeMinDays { get; set; }
    public int? FreezeMaxDays { get; set; }
    /// <summary>The most days a purchase of this item may be frozen in any rolling 12 months.</summary>
    public int? FreezeMaxDaysPerYear { get; set; }
    public FreezeMode DefaultFreezeMode { get; set; }

    // Rollover: copied onto each purchase at sale, as the credits' terms.
    public RolloverRule Rollover { get; set; }
    /// <summary>UpTo: the most credits rolled out of one period.</summary>
    public int? RolloverCap { get; set; }
    /// <summary>How many periods rolled credits live for before they expire (1: only the next period).</summary>
    public int RolloverExpiresAfterPeriods { get; set; } = 1;

    // Booking policy: false means the studio's default (StudioSettings); true means the fields below. Read when a booking is
    // cancelled or marked no-show, like the freeze rules.
    public bool HasOwnBookingPolicy { get; set; }
    /// <summary>A cancellation less than this many hours before the start is late (0: never late).</summary>
    public int LateCancelHours { get; set; }
    public PolicyCost LateCancelCost { get; set; } = PolicyCost.KeepCredit;
    public PolicyCost NoShowCost { get; set; } = PolicyCost.KeepCredit;
    /// <summary>Late cancellations that cost nothing in any <see cref="GraceWindowDays"/> days, per client who booked.</summary>
    public int GraceCount { get; set; }
    public int GraceWindowDays { get; set; } = 30;
    [ConcurrencyCheck] public Guid Version { get; set; } = Guid.NewGuid();
}

public enum PurchaseStatus { Active = 0, Cancelled = 1 }

public sealed class Purchase
{
    public int Id { get; set; }
    public int OwnerClientId { get; set; }
    public Client? OwnerClient { get; set; }
    public int CatalogItemId { get; set; }
    public CatalogItem? CatalogItem { get; set; }
    public int LocationId { get; set; }
    public Location? Location { get; set; }

    // Snapshot of the item's terms when it was sold.
    public CatalogKind Kind { get; set; }
    [MaxLength(120)] public required string Name { get; set; }
    public long PriceCents { get; set; }
    public int? CreditsPerPeriod { get; set; }
    public PeriodUnit PeriodUnit { get; set; }
    public bool AllowSharing { get; set; }
    public int? SharingLimit { get; set; }
    /// <summary>Why the sharing terms are what they are: copied at sale, or set later by a manager.</summary>
    [MaxLength(400)] public string SharingTermsNote { get; set; } = "";

    public RenewalKind Renewal { get; set; }
    /// <summary>Fixed-term membership: the periods sold.</summary>
    public int PeriodCount { get; set; } = 1;
    public RolloverRule Rollover { get; set; }
    public int? RolloverCap { get; set; }
    public int RolloverExpiresAfterPeriods { get; set; } = 1;

    public DateTime SoldAtUtc { get; set; }
    public DateOnly StartsOn { get; set; }
    /// <summary>The last day of the last period created (for an open-ended membership, periods are created ahead as time goes on).</summary>
    public DateOnly EndsOn { get; set; }
    public PurchaseStatus Status { get; set; }
    /// <summary>
    /// Set when a cancellation was asked for: the last day the purchase may be used (the end of the current period for a
    /// cancellation at the end of the period; the day before for one at once). No period is renewed after it.
    /// </summary>
    public DateOnly? CancelsOn { get; set; }
    public DateTime? CancelledAtUtc { get; set; }
    [MaxLength(200)] public string? CancelledBy { get; set; }
    [MaxLength(500)] public string? CancelReason { get; set; }
    /// <summary>The Idempotency-Key of the API request that made the sale: a retry returns this purchase.</summary>
    [MaxLength(100)] public string? RequestKey { get; set; }

    public List<CreditPeriod> Periods { get; set; } = [];
}

/// <summary>
/// One time frame of a purchase. Used and Max cache the ledger: they change only in the transaction
/// that appends the ledger row that explains them.
/// </summary>
public sealed class CreditPeriod
{
    public int Id { get; set; }
    public int PurchaseId { get; set; }
    public Purchase? Purchase { get; set; }
    /// <summary>
    /// The period's number in its purchase (1, 2, …), unique per purchase for regular periods: the renewal job creates period n
    /// once however many servers run it. Dates may move (a freeze), the number never does. A rolled bucket takes its source's number.
    /// </summary>
    public int Sequence { get; set; }
    /// <summary>
    /// Set on a bucket of rolled credits: the period they were rolled from. A bucket lives beside the regular periods it
    /// covers, is spent before them, and expires at its end like any period.
    /// </summary>
    public int? RolledFromPeriodId { get; set; }
    /// <summary>An ended period that never began (a cancellation or a freeze closed it) has EndsOn before StartsOn.</summary>
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    /// <summary>Null means unlimited.</summary>
    public int? MaxCredits { get; set; }
    public int UsedCredits { get; set; }
    [ConcurrencyCheck] public Guid Version { get; set; } = Guid.NewGuid();

    public int? Remaining => MaxCredits is { } max ? max - UsedCredits : null;
}

/// <summary>
/// Every change to a period is one of these. Opening a period: Grant (a sale), Renewed (a new period of a membership), RolledIn
/// (a bucket of rolled credits). Moving its Max (and maybe its dates): Add, Deduct, Forfeited (credits lost to a cancellation or a
/// prorated freeze), Expired (unused at the period's end), RolledOver (carried to the next period), Frozen and Unfrozen (dates
/// moved, or credits prorated, by a freeze and by its early end). Moving its Used: BookingUse, CancellationRefund. Validity moves
/// only dates. LedgerAudit checks each row's step by these groups.
/// </summary>
public enum LedgerKind
{
    Grant = 0, Add = 1, Deduct = 2, BookingUse = 3, CancellationRefund = 4, Validity = 5,
    Renewed = 6, Forfeited = 7, Expired = 8, RolledOver = 9, RolledIn = 10, Frozen = 11, Unfrozen = 12,
    /// <summary>A booking policy kept the credit (a late cancellation or a no-show): amount 0, the note names the rule and who booked.</summary>
    Penalty = 13,
    /// <summary>Staff waived a penalty: the kept credit is returned (Used -1), with the note saying why.</summary>
    Waived = 14,
}

/// <summary>The ledger's kinds by what they do to a period: the one list the audit, the history and the reports read.</summary>
public static class LedgerKinds
{
    /// <summary>The first row of a period: Max = Amount (or none, amount 0, for unlimited), Used = 0.</summary>
    public static readonly LedgerKind[] Opens = [LedgerKind.Grant, LedgerKind.Renewed, LedgerKind.RolledIn];
    /// <summary>Max moves by Amount (an unlimited period keeps none, amount 0), Used stays; dates may move too.</summary>
    public static readonly LedgerKind[] MoveMax = [LedgerKind.Add, LedgerKind.Deduct, LedgerKind.Forfeited, LedgerKind.Expired,
        LedgerKind.RolledOver, LedgerKind.Frozen, LedgerKind.Unfrozen];
    /// <summary>Used moves by Amount, Max stays.</summary>
    public static readonly LedgerKind[] MoveUsed = [LedgerKind.BookingUse, LedgerKind.CancellationRefund, LedgerKind.Penalty, LedgerKind.Waived];

    public static bool ChangesMax(LedgerKind kind) => Opens.Contains(kind) || MoveMax.Contains(kind);

    /// <summary>The kinds as a SQL list of their numbers: "6, 7".</summary>
    public static string Sql(IEnumerable<LedgerKind> kinds) => string.Join(", ", kinds.Select(k => (int)k));
}

/// <summary>Append-only: rows are inserted, never updated or deleted.</summary>
public sealed class CreditLedgerEntry
{
    public long Id { get; set; }
    public int PurchaseId { get; set; }
    public int PeriodId { get; set; }
    public LedgerKind Kind { get; set; }
    /// <summary>Credits moved: to Max for Grant/Add/Deduct (deduct negative), to Used for BookingUse (+1) and refunds (-1).</summary>
    public int Amount { get; set; }
    public int? MaxAfter { get; set; }
    public int UsedAfter { get; set; }
    public DateOnly? StartsOnAfter { get; set; }
    public DateOnly? EndsOnAfter { get; set; }
    public int? BookingId { get; set; }
    public Booking? Booking { get; set; }
    /// <summary>The staff user or member who made the change, by name as it was then.</summary>
    [MaxLength(200)] public required string Actor { get; set; }
    public DateTime AtUtc { get; set; }
    [MaxLength(500)] public string? Note { get; set; }
}

public sealed class Session
{
    public int Id { get; set; }
    [MaxLength(120)] public required string Name { get; set; }
    public int LocationId { get; set; }
    public Location? Location { get; set; }
    [MaxLength(120)] public required string Trainer { get; set; }
    /// <summary>Studio-local start time.</summary>
    public DateTime StartsAt { get; set; }
    public int DurationMinutes { get; set; }
    public int Capacity { get; set; }
    /// <summary>Cached count of live bookings, raised only by a conditional update below Capacity.</summary>
    public int BookedCount { get; set; }
    /// <summary>How many clients may wait for a place once the session is full; 0: no waitlist.</summary>
    public int WaitlistSize { get; set; }
}

public enum BookingStatus { Booked = 0, Attended = 1, NoShow = 2, Cancelled = 3 }

public sealed class Booking
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public Session? Session { get; set; }
    /// <summary>The client who used the credit (the owner or an authorized client).</summary>
    public int ClientId { get; set; }
    public Client? Client { get; set; }
    public int PurchaseId { get; set; }
    public Purchase? Purchase { get; set; }
    public int PeriodId { get; set; }
    public BookingStatus Status { get; set; }
    public DateTime BookedAtUtc { get; set; }
    /// <summary>Set for live bookings so one client holds one place per session.</summary>
    public int? ActiveClientId { get; set; }
    [MaxLength(100)] public string? RequestKey { get; set; }

    /// <summary>True while the booking holds a credit of its period: from the booking until a refund or a waiver returns it.</summary>
    public bool UsesCredit { get; set; } = true;
    public DateTime? CancelledAtUtc { get; set; }
    /// <summary>Cancelled inside the late-cancel window (counted by the grace allowance, whether it cost the credit or not).</summary>
    public bool CancelledLate { get; set; }
    /// <summary>The policy that kept the credit, if one did; WaivedAtUtc is set once staff return it.</summary>
    public BookingPenalty Penalty { get; set; }
    public DateTime? WaivedAtUtc { get; set; }
    [MaxLength(200)] public string? WaivedBy { get; set; }
}

public enum ShareStatus { Pending = 0, Accepted = 1, Declined = 2, Removed = 3 }

/// <summary>A client authorized to book from someone else's purchase.</summary>
public sealed class PurchaseShare
{
    public int Id { get; set; }
    public int PurchaseId { get; set; }
    public Purchase? Purchase { get; set; }
    public int ClientId { get; set; }
    public Client? Client { get; set; }
    public ShareStatus Status { get; set; }
    public DateTime InvitedAtUtc { get; set; }
    public DateTime? RespondedAtUtc { get; set; }
    public DateTime? RemovedAtUtc { get; set; }
    [MaxLength(100)] public string? TokenHash { get; set; }
    public DateTime? TokenExpiresAtUtc { get; set; }

    // The owner's control of what this client uses (the pool rule enforces caps and pauses in the debit itself).
    /// <summary>The most credits this client may use in one period of the purchase (the period covering the session's day).</summary>
    public int? CapPerPeriod { get; set; }
    /// <summary>The most credits this client may use over the whole purchase.</summary>
    public int? CapTotal { get; set; }
    /// <summary>A paused client keeps the share (and sees the balance) but cannot book from it.</summary>
    public bool Paused { get; set; }
    /// <summary>Tell the owner (feed and email) each time this client books from the purchase.</summary>
    public bool NotifyOwnerOnBooking { get; set; }
}

public sealed class StaffUser : IdentityUser
{
    [MaxLength(120)] public string DisplayName { get; set; } = "";
    /// <summary>Set for a member's app login: the client record it belongs to.</summary>
    public int? ClientId { get; set; }
    public bool IsDisabled { get; set; }
    /// <summary>A member's app invitation: when it was sent, and the hash of the single-use link that sets the password.</summary>
    public DateTime? InvitedAtUtc { get; set; }
    [MaxLength(64)] public string? ActivationTokenHash { get; set; }
    public DateTime? ActivationExpiresAtUtc { get; set; }
}

public static class Roles
{
    public const string Admin = "Admin";
    public const string Manager = "Manager";
    public const string Staff = "Staff";
    public const string Trainer = "Trainer";
    public const string Member = "Member";

    public static readonly string[] StaffRoles = [Admin, Manager, Staff, Trainer];
}
