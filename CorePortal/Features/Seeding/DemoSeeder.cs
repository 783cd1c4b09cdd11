using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Credits;
using CorePortal.Features.Memberships;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Seeding;

/// <summary>
/// Fills an empty database: the hand-written fixtures of seed-data/ (with dates relative to today, so the
/// demo always looks current), then generated clients. Writes credits exactly as the services do:
/// periods with grant rows, and a use row for each visit.
/// </summary>
public sealed class DemoSeeder(IDbContextFactory<CoreDbContext> dbFactory, UserManager<StaffUser> users,
    RoleManager<IdentityRole> roles, TimeProvider clock, FreezeService freezes, CancellationService cancellations, Bookings.BookingPolicyService policies, ILogger<DemoSeeder> log)
{
    public async Task<bool> SeedIfEmptyAsync(SeedOptions options, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (await db.Locations.AnyAsync(ct)) return false;

        var fixtures = SeedFixtures.Load(options.DataFolder ?? SeedFixtures.DefaultFolder());
        await EnsureRolesAsync();
        foreach (var u in fixtures.Staff.Users)
            await AddUserAsync(u, fixtures.Staff.DemoPassword);
        var purchases = await SeedStudioAsync(fixtures, ct);
        await FreezeAndCancelAsync(fixtures, purchases, ct);
        await AddMemberLoginsAsync(fixtures.Staff, ct);
        if (options.Clients > 0)
            await new BulkSeeder(dbFactory, clock).AddClientsAsync(options.Clients, options.RandomSeed, progress, ct);
        log.LogInformation("Seeded the demo studio with {Count} generated clients", options.Clients);
        return true;
    }

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.StaffRoles.Append(Roles.Member))
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)));
    }

    private async Task AddUserAsync(StaffFixture u, string password)
    {
        var user = new StaffUser { UserName = u.Email, Email = u.Email, EmailConfirmed = true, DisplayName = u.Name };
        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRoleAsync(user, u.Role));
    }

    private async Task AddMemberLoginsAsync(StaffFile staff, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var barcode in staff.Members ?? [])
        {
            var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Barcode == barcode, ct);
            var user = new StaffUser { UserName = client.Email, Email = client.Email, EmailConfirmed = true, DisplayName = client.FullName, ClientId = client.Id };
            Check(await users.CreateAsync(user, staff.DemoPassword));
            Check(await users.AddToRoleAsync(user, Roles.Member));
        }
    }

    /// <summary>The demo's freezes and cancellations, through the same services and rules as the desk's, by a manager named "Demo seed".</summary>
    private async Task FreezeAndCancelAsync(SeedFixtures f, Dictionary<PurchaseFixture, int> purchases, CancellationToken ct)
    {
        var manager = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "Demo seed"), new Claim(ClaimTypes.Role, Roles.Manager)], "Demo"));
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        foreach (var p in f.Clients.SelectMany(c => c.Purchases))
        {
            if (p.Freeze is { } z)
                Check(await freezes.FreezeAsync(manager, purchases[p], new FreezeInput(today.AddDays(z.From), z.To is { } to ? today.AddDays(to) : null, z.Mode,
                    z.Note, OverrideNote: "Demo data"), ct));
            if (p.Cancel is { } reason)
                Check(await cancellations.CancelAsync(manager, purchases[p], new CancellationRequest(CancelEffective.Now, reason), ct));
        }
        // The studio's default booking policy: late inside 12 hours keeps the credit, as does a no-show; 2 free late cancellations in any 30 days.
        var policy = (await policies.GetStudioDefaultAsync(manager, ct)).Value!;
        (policy.LateCancelHours, policy.LateCancelCost, policy.NoShowCost, policy.GraceCount, policy.GraceWindowDays) = (12, PolicyCost.KeepCredit, PolicyCost.KeepCredit, 2, 30);
        Check(await policies.SaveStudioDefaultAsync(manager, policy, ct));

        static void Check(Common.ServiceResult result)
        {
            if (!result.Succeeded) throw new InvalidOperationException($"The demo seed was refused: {result.Message}");
        }
    }

    private async Task<Dictionary<PurchaseFixture, int>> SeedStudioAsync(SeedFixtures f, CancellationToken ct)
    {
        var made = new Dictionary<PurchaseFixture, int>(ReferenceEqualityComparer.Instance); // fixtures may be equal in value
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

        var locations = f.Locations.ToDictionary(l => l.Key, l => new Location { Name = l.Name });
        db.Locations.AddRange(locations.Values);
        var catalog = f.Catalog.ToDictionary(c => c.Key, c => new CatalogItem
        {
            Kind = c.Kind, Name = c.Name, PriceCents = (long)(c.Price * 100), Location = locations[c.Location],
            CreditsPerPeriod = c.CreditsPerPeriod, ValidityDays = c.ValidityDays, PeriodUnit = c.PeriodUnit,
            PeriodCount = Math.Max(1, c.PeriodCount), AllowSharing = c.AllowSharing, SharingLimit = c.SharingLimit,
            Renewal = c.Renewal, AllowFreeze = c.AllowFreeze, FreezeMinDays = c.FreezeMinDays, FreezeMaxDays = c.FreezeMaxDays,
            FreezeMaxDaysPerYear = c.FreezeMaxDaysPerYear, DefaultFreezeMode = c.DefaultFreezeMode, Rollover = c.Rollover,
            RolloverCap = c.RolloverCap, RolloverExpiresAfterPeriods = Math.Max(1, c.RolloverExpiresAfterPeriods),
        });
        db.CatalogItems.AddRange(catalog.Values);
        var sessions = f.Sessions.SelectMany(s => s.DayOffsets.Select(d => (Key: $"{s.Key}@{d}", Session: new Session
        {
            Name = s.Name, Location = locations[s.Location], Trainer = s.Trainer, DurationMinutes = s.Duration,
            Capacity = s.Capacity, StartsAt = today.AddDays(d).ToDateTime(s.Time),
        }))).ToDictionary(x => x.Key, x => x.Session);
        db.Sessions.AddRange(sessions.Values);
        var clients = f.Clients.ToDictionary(c => c.Barcode, c =>
        {
            var client = new Client { FirstName = c.FirstName, LastName = c.LastName, Email = c.Email, Phone = c.Phone, Barcode = c.Barcode, HomeLocation = locations[c.HomeLocation] };
            ClientSearchKeys.Apply(client);
            return client;
        });
        db.Clients.AddRange(clients.Values);
        await db.SaveChangesAsync(ct);

        foreach (var c in f.Clients)
            foreach (var p in c.Purchases)
            {
                var purchase = PurchaseTerms.Create(catalog[p.Item], clients[c.Barcode].Id, today.AddDays(-p.SoldDaysAgo), now.AddDays(-p.SoldDaysAgo));
                db.Purchases.Add(purchase);
                await db.SaveChangesAsync(ct);
                db.Ledger.AddRange(PurchaseTerms.Grants(purchase, "Demo seed", purchase.SoldAtUtc));
                // An open-ended membership sold months ago has been renewing since: its periods up to today and the next one.
                await MembershipRenewal.EnsurePeriodsAsync(db, purchase, today, now, ct);
                made[p] = purchase.Id;
                foreach (var s in p.SharedWith ?? [])
                    db.PurchaseShares.Add(new PurchaseShare
                    {
                        PurchaseId = purchase.Id, ClientId = clients[s.Barcode].Id, Status = s.Status, InvitedAtUtc = purchase.SoldAtUtc,
                        RespondedAtUtc = s.Status == ShareStatus.Pending ? null : purchase.SoldAtUtc.AddHours(2),
                    });
                foreach (var v in p.Visits ?? [])
                    AddVisit(db, purchase, sessions[v.Session], clients[v.UsedBy], v.Status, now);
                await db.SaveChangesAsync(ct);
            }
        await tx.CommitAsync(ct);
        return made;
    }

    private static void AddVisit(CoreDbContext db, Purchase purchase, Session session, Client usedBy, BookingStatus status, DateTime now)
    {
        var day = DateOnly.FromDateTime(session.StartsAt);
        var period = purchase.Periods.Single(p => p.StartsOn <= day && day <= p.EndsOn);
        period.UsedCredits++;
        session.BookedCount++;
        var booking = new Booking
        {
            Session = session, Client = usedBy, PurchaseId = purchase.Id, PeriodId = period.Id, Status = status,
            ActiveClientId = usedBy.Id, BookedAtUtc = session.StartsAt.AddDays(-1).ToUniversalTime(),
        };
        db.Bookings.Add(booking);
        db.Ledger.Add(new CreditLedgerEntry
        {
            PurchaseId = purchase.Id, PeriodId = period.Id, Kind = LedgerKind.BookingUse, Amount = 1, Booking = booking,
            MaxAfter = period.MaxCredits, UsedAfter = period.UsedCredits, Actor = "Demo seed",
            AtUtc = booking.BookedAtUtc < now ? booking.BookedAtUtc : now, Note = $"{session.Name} for {usedBy.FullName}",
        });
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
