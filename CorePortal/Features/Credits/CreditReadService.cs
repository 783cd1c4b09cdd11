using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

public sealed record ClientProfile(int Id, string FirstName, string LastName, string Email, string Phone, string Barcode, string HomeLocation)
{
    public string FullName => $"{FirstName} {LastName}";
    public string Initials => $"{FirstName.FirstOrDefault()}{LastName.FirstOrDefault()}".ToUpperInvariant();
}

/// <summary>A time frame as the View History grid shows it.</summary>
public sealed record PeriodRow(int Id, DateOnly StartsOn, DateOnly EndsOn, int Used, int? Max, Guid Version, bool IsCurrent, bool IsPast)
{
    public int? Remaining => Max - Used;
    public bool IsUnlimited => Max is null;
    /// <summary>"3 / 8", or "5 / ∞" for unlimited credits.</summary>
    public string UsedOfMax => $"{Used + RolledUsed} / {(Max is { } max ? (max + RolledMax).ToString(System.Globalization.CultureInfo.InvariantCulture) : "∞")}";
    /// <summary>Rolled credits that came into this period (buckets starting with it): counted in <see cref="UsedOfMax"/>, shown apart by <see cref="RolledNote"/>.</summary>
    public int RolledUsed { get; init; }
    public int RolledMax { get; init; }
    /// <summary>"3 rolled from Oct", or null when no credits rolled into this period.</summary>
    public string? RolledNote { get; init; }
}

/// <summary>A purchase on the Payment tab: its terms, its time frames and where it stands today.</summary>
public sealed record PurchaseCard(int Id, CatalogKind Kind, string Name, string Location, int OwnerClientId, string OwnerName,
    DateOnly StartsOn, DateOnly EndsOn, bool AllowSharing, int? SharingLimit, string SharingTermsNote, bool IsSharedWithClient,
    IReadOnlyList<PeriodRow> Periods, DateOnly? CancelsOn = null, string? CancelReason = null, bool IsCancelled = false)
{
    /// <summary>An open-ended membership that is not being cancelled: the day its next period begins.</summary>
    public DateOnly? RenewsOn { get; init; }
    public PeriodRow? Current => Periods.FirstOrDefault(p => p.IsCurrent);
    public bool IsExpired => Periods.All(p => p.IsPast);
    public bool IsUsedUp => Kind == CatalogKind.Package && Periods.All(p => p.Remaining <= 0);
    /// <summary>A cancelled purchase (now, or at the end of a period that has passed) joins the expired and used up, whatever is left.</summary>
    public bool IsActive => !IsCancelled && !IsExpired && !IsUsedUp;
    /// <summary>Cancelled at the end of the current period, which has not ended yet: usable until <see cref="CancelsOn"/>.</summary>
    public bool IsCancelling => CancelsOn is not null && !IsCancelled;
}

/// <summary>
/// Reads balances for the Clients pages, the staff API and the members' app. Everything shown comes from the periods
/// the ledger keeps current; each read takes the caller and answers Forbidden past what <see cref="Access"/> allows.
/// </summary>
public sealed class CreditReadService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    public DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    /// <summary>The client's profile: the studio team, or the client themself.</summary>
    public async Task<ServiceResult<ClientProfile>> ProfileAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<ClientProfile>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var profile = await db.Clients.AsNoTracking().Where(c => c.Id == clientId)
            .Select(c => new ClientProfile(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Barcode, c.HomeLocation!.Name))
            .FirstOrDefaultAsync(ct);
        return profile is null ? ServiceResult.Failure<ClientProfile>(ServiceResult.NotFound("No client has that id.")) : ServiceResult.Success(profile);
    }

    /// <summary>The client's own purchases, newest first, cancelled ones included (their history stays).</summary>
    public async Task<ServiceResult<IReadOnlyList<PurchaseCard>>> PurchasesAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<IReadOnlyList<PurchaseCard>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success(await LoadAsync(db, db.Purchases.Where(p => p.OwnerClientId == clientId), clientId, ct));
    }

    /// <summary>Purchases other clients share with this one (accepted shares only), marked as shared.</summary>
    public async Task<ServiceResult<IReadOnlyList<PurchaseCard>>> SharedWithAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<IReadOnlyList<PurchaseCard>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sharedWith = PoolRule.SharedWith(db, clientId);
        return ServiceResult.Success(await LoadAsync(db, db.Purchases.Where(p => p.Status == PurchaseStatus.Active && sharedWith.Contains(p.Id)), clientId, ct));
    }

    /// <summary>One purchase with its time frames: the studio team, or a member who owns it or holds an accepted share.</summary>
    public async Task<ServiceResult<PurchaseCard>> PurchaseAsync(ClaimsPrincipal user, int purchaseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await Access.CanReadPurchaseAsync(db, user, purchaseId, ct)) return ServiceResult.Failure<PurchaseCard>(ServiceResult.Forbidden());
        var cards = await LoadAsync(db, db.Purchases.Where(p => p.Id == purchaseId), null, ct);
        return cards.Count > 0 ? ServiceResult.Success(cards[0]) : ServiceResult.Failure<PurchaseCard>(ServiceResult.NotFound("That package or membership no longer exists."));
    }

    private async Task<IReadOnlyList<PurchaseCard>> LoadAsync(CoreDbContext db, IQueryable<Purchase> purchases, int? viewerClientId, CancellationToken ct)
    {
        var today = Today;
        var rows = await purchases.AsNoTracking()
            .OrderByDescending(p => p.StartsOn).ThenByDescending(p => p.Id)
            .Select(p => new
            {
                p.Id, p.Kind, p.Name, Location = p.Location!.Name, p.OwnerClientId,
                Owner = p.OwnerClient!.FirstName + " " + p.OwnerClient.LastName,
                p.StartsOn, p.EndsOn, p.AllowSharing, p.SharingLimit, p.SharingTermsNote, p.Status, p.CancelsOn, p.CancelReason,
                Renews = p.Kind == CatalogKind.Membership && p.Renewal == RenewalKind.OpenEnded && p.Status == PurchaseStatus.Active && p.CancelsOn == null,
                Periods = p.Periods.OrderBy(x => x.StartsOn)
                    .Select(x => new { x.Id, x.StartsOn, x.EndsOn, x.UsedCredits, x.MaxCredits, x.Version, x.RolledFromPeriodId }).ToList(),
            })
            .ToListAsync(ct);
        return rows.Select(p =>
        {
            // Buckets of rolled credits are shown with the regular period they came into, apart by their note.
            var regular = p.Periods.Where(x => x.RolledFromPeriodId == null).ToList();
            var buckets = p.Periods.Where(x => x.RolledFromPeriodId != null).ToList();
            var periods = regular.Select(x =>
            {
                var rolled = buckets.Where(b => b.StartsOn == x.StartsOn).ToList();
                return new PeriodRow(x.Id, x.StartsOn, x.EndsOn, x.UsedCredits, x.MaxCredits, x.Version, x.StartsOn <= today && today <= x.EndsOn, x.EndsOn < today)
                {
                    RolledUsed = rolled.Sum(b => b.UsedCredits), RolledMax = rolled.Sum(b => b.MaxCredits ?? 0),
                    RolledNote = rolled.Count == 0 ? null : string.Join(", ", rolled.Select(b =>
                        $"{b.MaxCredits} rolled from {regular.Find(r => r.Id == b.RolledFromPeriodId)?.StartsOn.ToString("MMM", System.Globalization.CultureInfo.InvariantCulture)}")),
                };
            }).ToList();
            var current = periods.Find(x => x.IsCurrent);
            return new PurchaseCard(p.Id, p.Kind, p.Name, p.Location, p.OwnerClientId, p.Owner, p.StartsOn, p.EndsOn,
                p.AllowSharing, p.SharingLimit, p.SharingTermsNote, viewerClientId is { } v && v != p.OwnerClientId, periods,
                p.CancelsOn, p.CancelReason, p.Status == PurchaseStatus.Cancelled || p.CancelsOn < today)
            {
                RenewsOn = p.Renews && current is not null ? current.EndsOn.AddDays(1) : null,
            };
        }).ToList();
    }
}
