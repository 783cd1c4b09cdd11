using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Sharing;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Catalog;

/// <summary>Retail Configurations: the packages and memberships on sale. Managers and admins only.</summary>
public sealed class CatalogService(IDbContextFactory<CoreDbContext> dbFactory)
{
    private const string NotManager = "Only managers and admins can see Retail Configurations.";

    /// <summary>The packages or the memberships, by name: managers and admins.</summary>
    public async Task<ServiceResult<IReadOnlyList<CatalogItemView>>> ListAsync(ClaimsPrincipal user, CatalogKind kind, CancellationToken ct = default)
    {
        if (!Access.CanManageCatalog(user)) return ServiceResult.Failure<IReadOnlyList<CatalogItemView>>(ServiceResult.Forbidden(NotManager));
        if (!Enum.IsDefined(kind)) return ServiceResult.Failure<IReadOnlyList<CatalogItemView>>(ServiceResult.Invalid(nameof(kind), "Choose package or membership."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<CatalogItemView>>(await db.CatalogItems.AsNoTracking().Where(i => i.Kind == kind).OrderBy(i => i.Name)
            .Select(i => new CatalogItemView(i.Id, i.Kind, i.Name, i.PriceCents, i.Location!.Name, i.CreditsPerPeriod, i.PeriodUnit, i.PeriodCount,
                i.ValidityDays, i.AllowSharing, i.SharingLimit)
            {
                Renewal = i.Renewal, Rollover = i.Rollover, RolloverCap = i.RolloverCap, RolloverExpiresAfterPeriods = i.RolloverExpiresAfterPeriods,
                AllowFreeze = i.AllowFreeze, FreezeMinDays = i.FreezeMinDays, FreezeMaxDays = i.FreezeMaxDays,
                FreezeMaxDaysPerYear = i.FreezeMaxDaysPerYear, DefaultFreezeMode = i.DefaultFreezeMode,
            })
            .ToListAsync(ct));
    }

    /// <summary>The item's terms as the form edits them (NotFound when it does not exist): managers and admins.</summary>
    public async Task<ServiceResult<CatalogItemInput>> GetForEditAsync(ClaimsPrincipal user, int id, CancellationToken ct = default)
    {
        if (!Access.CanManageCatalog(user)) return ServiceResult.Failure<CatalogItemInput>(ServiceResult.Forbidden(NotManager));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var i = await db.CatalogItems.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        return i is null ? ServiceResult.Failure<CatalogItemInput>(ServiceResult.NotFound("No package or membership has that id.")) : ServiceResult.Success(new CatalogItemInput
        {
            Id = i.Id, Kind = i.Kind, Name = i.Name, Price = i.PriceCents / 100m, LocationId = i.LocationId, Unlimited = i.CreditsPerPeriod is null,
            CreditsPerPeriod = i.CreditsPerPeriod, PeriodUnit = i.PeriodUnit, PeriodCount = i.PeriodCount, ValidityDays = i.ValidityDays,
            AllowSharing = i.AllowSharing, SharingLimit = i.SharingLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture), Version = i.Version,
            Renewal = i.Renewal, Rollover = i.Rollover, RolloverCap = i.RolloverCap, RolloverExpiresAfterPeriods = i.RolloverExpiresAfterPeriods,
            AllowFreeze = i.AllowFreeze, FreezeMinDays = i.FreezeMinDays, FreezeMaxDays = i.FreezeMaxDays, FreezeMaxDaysPerYear = i.FreezeMaxDaysPerYear,
            DefaultFreezeMode = i.DefaultFreezeMode, HasOwnBookingPolicy = i.HasOwnBookingPolicy, LateCancelHours = i.LateCancelHours,
            LateCancelCost = i.LateCancelCost, NoShowCost = i.NoShowCost, GraceCount = i.GraceCount, GraceWindowDays = i.GraceWindowDays,
        });
    }

    /// <summary>Creates or updates an item. Changes apply to new sales only: purchases keep the terms they were sold with.</summary>
    public async Task<ServiceResult<int>> SaveAsync(ClaimsPrincipal user, CatalogItemInput input, CancellationToken ct = default)
    {
        if (!Access.CanManageCatalog(user)) return ServiceResult.Failure<int>(ServiceResult.Forbidden("Only managers and admins can change Retail Configurations."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var errors = Validate(input);
        if (input.LocationId is { } locationId && !await db.Locations.AnyAsync(l => l.Id == locationId, ct))
            errors[nameof(input.LocationId)] = ["Choose a location."];
        if (errors.Count > 0) return ServiceResult.Failure<int>(ServiceResult.Invalid(errors));

        await using var tx = await db.BeginWriteAsync(ct);
        var item = input.Id is { } id ? await db.CatalogItems.SingleOrDefaultAsync(i => i.Id == id, ct) : null;
        if (input.Id is not null && item is null) return ServiceResult.Failure<int>(ServiceResult.NotFound("That item no longer exists."));
        if (item is null)
        {
            item = new CatalogItem { Name = "" };
            db.CatalogItems.Add(item);
        }
        else
        {
            db.Entry(item).Property(i => i.Version).OriginalValue = input.Version;
            item.Version = Guid.NewGuid();
        }
        item.Kind = input.Kind;
        item.Name = CleanText.Name(input.Name, out _)!; // Validate refused a name this cannot clean
        item.PriceCents = (long)Math.Round(input.Price!.Value * 100);
        item.LocationId = input.LocationId!.Value;
        item.CreditsPerPeriod = input.Unlimited ? null : input.CreditsPerPeriod;
        item.PeriodUnit = input.PeriodUnit;
        var membership = input.Kind == CatalogKind.Membership;
        item.Renewal = membership ? input.Renewal : RenewalKind.FixedTerm;
        item.PeriodCount = membership && input.Renewal == RenewalKind.FixedTerm ? input.PeriodCount!.Value : 1;
        var rolls = membership && !input.Unlimited && input.Rollover != RolloverRule.None;
        item.Rollover = rolls ? input.Rollover : RolloverRule.None;
        item.RolloverCap = rolls && input.Rollover == RolloverRule.UpTo ? input.RolloverCap : null;
        item.RolloverExpiresAfterPeriods = rolls ? input.RolloverExpiresAfterPeriods!.Value : 1;
        item.AllowFreeze = input.AllowFreeze;
        item.FreezeMinDays = input.AllowFreeze ? input.FreezeMinDays : null;
        item.FreezeMaxDays = input.AllowFreeze ? input.FreezeMaxDays : null;
        item.FreezeMaxDaysPerYear = input.AllowFreeze ? input.FreezeMaxDaysPerYear : null;
        item.DefaultFreezeMode = input.DefaultFreezeMode;
        item.HasOwnBookingPolicy = input.HasOwnBookingPolicy;
        if (input.HasOwnBookingPolicy) // the studio's default keeps the item's last own policy, to switch back to
            (item.LateCancelHours, item.LateCancelCost, item.NoShowCost, item.GraceCount, item.GraceWindowDays) =
                (input.LateCancelHours!.Value, input.LateCancelCost, input.NoShowCost, input.GraceCount!.Value, input.GraceWindowDays!.Value);
        item.ValidityDays = input.Kind == CatalogKind.Package ? input.ValidityDays!.Value : 0;
        item.AllowSharing = input.AllowSharing;
        item.SharingLimit = input.AllowSharing ? SharingLimit.Parse(input.SharingLimit).Limit : null;
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ServiceResult.Failure<int>(ServiceResult.Conflict($"Someone else changed {input.Name} while you were editing. Reopen it to see their changes."));
        }
        return ServiceResult.Success(item.Id, $"{item.Name} saved.");
    }

    private static Dictionary<string, string[]> Validate(CatalogItemInput input)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        if (!Enum.IsDefined(input.Kind)) Add(nameof(input.Kind), "Choose package or membership.");
        if (!Enum.IsDefined(input.PeriodUnit)) Add(nameof(input.PeriodUnit), "Choose week or month as the time frame.");
        var name = CleanText.Name(input.Name, out var nameError);
        if (nameError is not null) Add(nameof(input.Name), nameError);
        else if (name!.Length == 0) Add(nameof(input.Name), "Enter a name.");
        else if (name.Length > 120) Add(nameof(input.Name), "Keep the name under 120 characters.");
        if (input.Price is not { } price || price < 0 || price > 100_000) Add(nameof(input.Price), "Enter a price from 0 to 100,000.");
        if (input.LocationId is null) Add(nameof(input.LocationId), "Choose a location.");
        if (!input.Unlimited && input.CreditsPerPeriod is not (>= 1 and <= 999))
            Add(nameof(input.CreditsPerPeriod), "Enter the credits per time frame (1 to 999), or choose unlimited.");
        if (input.Kind == CatalogKind.Membership && !Enum.IsDefined(input.Renewal)) Add(nameof(input.Renewal), "Choose open-ended or fixed-term renewal.");
        else if (input.Kind == CatalogKind.Membership && input.Renewal == RenewalKind.FixedTerm && input.PeriodCount is not (>= 1 and <= 60))
            Add(nameof(input.PeriodCount), "Enter how many time frames a fixed-term sale covers (1 to 60).");
        ValidateRollover(input, Add);
        ValidateFreeze(input, Add);
        if (input.HasOwnBookingPolicy)
            foreach (var (field, messages) in Bookings.BookingPolicy.Validate(input.LateCancelHours, input.LateCancelCost, input.NoShowCost, input.GraceCount,
                         input.GraceWindowDays))
                errors[field] = messages;
        if (input.Kind == CatalogKind.Package && input.ValidityDays is not (>= 1 and <= 1000))
            Add(nameof(input.ValidityDays), "Enter the days the credits stay valid (1 to 1000).");
        if (input.AllowSharing && SharingLimit.Parse(input.SharingLimit).Error is { } limitError)
            Add(nameof(input.SharingLimit), limitError);
        return errors;
    }

    private static void ValidateRollover(CatalogItemInput input, Action<string, string> add)
    {
        if (!Enum.IsDefined(input.Rollover)) add(nameof(input.Rollover), "Choose no rollover, all, or up to a number of credits.");
        if (input.Rollover == RolloverRule.None || !Enum.IsDefined(input.Rollover)) return;
        if (input.Kind != CatalogKind.Membership) add(nameof(input.Rollover), "Only memberships roll credits over.");
        else if (input.Unlimited) add(nameof(input.Rollover), "Unlimited credits do not roll over: choose no rollover.");
        if (input.Rollover == RolloverRule.UpTo && input.RolloverCap is not (>= 1 and <= 999))
            add(nameof(input.RolloverCap), "Enter the most credits rolled from one period (1 to 999).");
        if (input.RolloverExpiresAfterPeriods is not (>= 1 and <= 12))
            add(nameof(input.RolloverExpiresAfterPeriods), "Enter after how many periods rolled credits expire (1 to 12).");
    }

    private static void ValidateFreeze(CatalogItemInput input, Action<string, string> add)
    {
        if (!Enum.IsDefined(input.DefaultFreezeMode)) add(nameof(input.DefaultFreezeMode), "Choose extend or prorate as the default freeze mode.");
        if (!input.AllowFreeze) return;
        if (input.FreezeMinDays is < 1 or > 365) add(nameof(input.FreezeMinDays), "Enter the fewest days of a freeze (1 to 365), or leave it empty.");
        if (input.FreezeMaxDays is < 1 or > 365) add(nameof(input.FreezeMaxDays), "Enter the most days of a freeze (1 to 365), or leave it empty.");
        else if (input.FreezeMaxDays < input.FreezeMinDays) add(nameof(input.FreezeMaxDays), "The most days must be at least the fewest days.");
        if (input.FreezeMaxDaysPerYear is < 1 or > 365)
            add(nameof(input.FreezeMaxDaysPerYear), "Enter the most days frozen in 12 months (1 to 365), or leave it empty.");
        else if (input.FreezeMaxDaysPerYear < input.FreezeMinDays)
            add(nameof(input.FreezeMaxDaysPerYear), "The days a year must be at least the fewest days of one freeze.");
    }
}
