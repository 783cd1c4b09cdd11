using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Data;

public sealed class Location
{
    public int Id { get; set; }
    [MaxLength(120)] public required string Name { get; set; }
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
    /// <summary>Membership: how many time frames a sale covers.</summary>
    public int PeriodCount { get; set; } = 1;
    /// <summary>Package: days from the sale until the credits expire.</summary>
    public int ValidityDays { get; set; }
    public bool AllowSharing { get; set; }
    public int? SharingLimit { get; set; }
    public bool IsActive { get; set; } = true;
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

    public DateTime SoldAtUtc { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public PurchaseStatus Status { get; set; }
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
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    /// <summary>Null means unlimited.</summary>
    public int? MaxCredits { get; set; }
    public int UsedCredits { get; set; }
    [ConcurrencyCheck] public Guid Version { get; set; } = Guid.NewGuid();

    public int? Remaining => MaxCredits is { } max ? max - UsedCredits : null;
}

public enum LedgerKind { Grant = 0, Add = 1, Deduct = 2, BookingUse = 3, CancellationRefund = 4, Validity = 5 }

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
