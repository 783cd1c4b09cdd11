using CorePortal.Data;

namespace CorePortal.Features.Catalog;

/// <summary>The terms of a package or membership as entered on the form; CatalogService checks and saves them.</summary>
public sealed class CatalogItemInput : Bookings.IBookingPolicyInput
{
    public int? Id { get; set; }
    public CatalogKind Kind { get; set; }
    public string Name { get; set; } = "";
    public decimal? Price { get; set; }
    public int? LocationId { get; set; }
    public bool Unlimited { get; set; }
    public int? CreditsPerPeriod { get; set; }
    public PeriodUnit PeriodUnit { get; set; } = PeriodUnit.Month;
    public int? PeriodCount { get; set; } = 12;
    public int? ValidityDays { get; set; } = 90;
    public bool AllowSharing { get; set; }
    /// <summary>As typed, so anything that is not a whole number from 1 to 99 gets a message rather than a silent zero.</summary>
    public string? SharingLimit { get; set; }
    /// <summary>Membership: renews until cancelled (the default for a new one) or stops after <see cref="PeriodCount"/> periods.</summary>
    public RenewalKind Renewal { get; set; } = RenewalKind.OpenEnded;
    /// <summary>Membership with credits: what happens to a period's unused credits.</summary>
    public RolloverRule Rollover { get; set; }
    /// <summary>Up to: the most credits rolled out of one period.</summary>
    public int? RolloverCap { get; set; }
    /// <summary>How many periods rolled credits live for (1: the next period only).</summary>
    public int? RolloverExpiresAfterPeriods { get; set; } = 1;
    public bool AllowFreeze { get; set; }
    public int? FreezeMinDays { get; set; }
    public int? FreezeMaxDays { get; set; }
    public int? FreezeMaxDaysPerYear { get; set; }
    public FreezeMode DefaultFreezeMode { get; set; }
    /// <summary>False: the studio's default booking policy applies; true: the fields below.</summary>
    public bool HasOwnBookingPolicy { get; set; }
    public int? LateCancelHours { get; set; } = 0;
    public PolicyCost LateCancelCost { get; set; } = PolicyCost.KeepCredit;
    public PolicyCost NoShowCost { get; set; } = PolicyCost.KeepCredit;
    public int? GraceCount { get; set; } = 0;
    public int? GraceWindowDays { get; set; } = 30;
    public Guid Version { get; set; }
}

public sealed record CatalogItemView(int Id, CatalogKind Kind, string Name, long PriceCents, string LocationName, int? CreditsPerPeriod,
    PeriodUnit PeriodUnit, int PeriodCount, int ValidityDays, bool AllowSharing, int? SharingLimit)
{
    public RenewalKind Renewal { get; init; }
    public RolloverRule Rollover { get; init; }
    public int? RolloverCap { get; init; }
    public int RolloverExpiresAfterPeriods { get; init; } = 1;
    public bool AllowFreeze { get; init; }
    public int? FreezeMinDays { get; init; }
    public int? FreezeMaxDays { get; init; }
    public int? FreezeMaxDaysPerYear { get; init; }
    public FreezeMode DefaultFreezeMode { get; init; }

    public string Credits => CreditsPerPeriod is { } c ? $"{c} credits" : "Unlimited";
    public string Term => Kind == CatalogKind.Package ? $"valid {ValidityDays} days"
        : Renewal == RenewalKind.OpenEnded ? "Renews until cancelled"
        : $"{PeriodCount} {Unit}{(PeriodCount == 1 ? "" : "s")}";
    public string Sharing => AllowSharing ? $"Up to {SharingLimit} clients" : "Off";
    /// <summary>The rollover rule in short: "None", "All, expire after 1 period", "Up to 3, expire after 2 periods".</summary>
    public string RolloverText => Kind == CatalogKind.Package || Rollover == RolloverRule.None ? "None"
        : $"{(Rollover == RolloverRule.All ? "All" : $"Up to {RolloverCap}")}, expire after {Periods(RolloverExpiresAfterPeriods)}";
    /// <summary>The freeze rules in short: "Off", or the limits that apply and the default mode.</summary>
    public string FreezeText => !AllowFreeze ? "Off" : string.Join(", ", new[]
    {
        FreezeMinDays is { } min ? $"min {min} days" : null, FreezeMaxDays is { } max ? $"max {max} days" : null,
        FreezeMaxDaysPerYear is { } year ? $"{year} days a year" : null, DefaultFreezeMode.ToString(),
    }.Where(x => x is not null));

    private string Unit => PeriodUnit.ToString().ToLowerInvariant();
    private static string Periods(int n) => n == 1 ? "1 period" : $"{n} periods";
}
