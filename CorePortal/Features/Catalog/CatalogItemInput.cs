using CorePortal.Data;

namespace CorePortal.Features.Catalog;

/// <summary>The terms of a package or membership as entered on the form; CatalogService checks and saves them.</summary>
public sealed class CatalogItemInput
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
    public Guid Version { get; set; }
}

public sealed record CatalogItemView(int Id, CatalogKind Kind, string Name, long PriceCents, string LocationName, int? CreditsPerPeriod,
    PeriodUnit PeriodUnit, int PeriodCount, int ValidityDays, bool AllowSharing, int? SharingLimit)
{
    public string Credits => CreditsPerPeriod is { } c ? $"{c} credits" : "Unlimited";
    public string Term => Kind == CatalogKind.Package ? $"valid {ValidityDays} days" : $"per {PeriodUnit.ToString().ToLowerInvariant()}, {PeriodCount} {PeriodUnit.ToString().ToLowerInvariant()}s";
    public string Sharing => AllowSharing ? $"Up to {SharingLimit} clients" : "Off";
}
