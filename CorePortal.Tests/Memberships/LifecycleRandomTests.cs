using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Memberships;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>
/// Months of a studio's life in random order (a fixed seed, a clock moved by hand): sales, bookings, booking cancellations,
/// freezes of both modes, early unfreezes, purchase cancellations, and the membership pass that renews, rolls over and
/// expires. After every step the ledger explains every period: each row follows from the one before, every cached balance
/// is the sum of its rows, and no period is spent past its credits.
/// </summary>
public sealed class LifecycleRandomTests
{
    private static readonly string[] Actions = ["sell", "book", "cancel booking", "freeze", "unfreeze", "cancel purchase", "next days"];

    [Fact]
    public async Task Random_months_of_sales_bookings_freezes_cancellations_and_renewals_keep_every_balance_the_sum_of_its_ledger_rows()
    {
        var rng = new Random(18);
        using var studio = new StudioBuilder(FixedClock.At(2026, 1, 5));
        await studio.WithLocationAsync();
        int[] items =
        [
            await studio.OpenEndedMembershipAsync("Monthly 8", 8, rollover: RolloverRule.UpTo, rolloverCap: 3),
            await studio.OpenEndedMembershipAsync("Monthly 4, all roll", 4, rollover: RolloverRule.All, rolloverExpiresAfter: 2),
            await studio.OpenEndedMembershipAsync("Weekly 3", 3, PeriodUnit.Week),
            await studio.OpenEndedMembershipAsync("Unlimited", null),
            await studio.MembershipAsync("Three months of 5", 5, periods: 3),
            await studio.PackageAsync("10-Class Pack", 10, validityDays: 60),
        ];
        for (var i = 0; i < items.Length; i++)
            await studio.FreezeRulesAsync(items[i], mode: i % 2 == 0 ? FreezeMode.Prorate : FreezeMode.Extend);
        var clients = await StudioBuilder.InTurnAsync(Enumerable.Range(1, 6), n => studio.ClientAsync("Member", $"Number{n}"));
        var steps = new Dictionary<string, int>();

        for (var step = 0; step < 200; step++)
        {
            var action = rng.Next(100) switch
            {
                < 15 => "sell",
                < 48 => "book",
                < 56 => "cancel booking",
                < 64 => "freeze",
                < 69 => "unfreeze",
                < 73 => "cancel purchase",
                _ => "next days",
            };
            if (await RunAsync(studio, rng, action, items, clients)) steps[action] = steps.GetValueOrDefault(action) + 1;

            await using var db = await studio.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
            Assert.True((await LedgerAudit.FindStepDisagreementsAsync(db, TestContext.Current.CancellationToken)).Count == 0, $"Step {step} ({action}): a ledger row does not follow from the one before it.");
            Assert.True((await LedgerAudit.FindDisagreementsAsync(db, TestContext.Current.CancellationToken)).Count == 0, $"Step {step} ({action}): a balance is not the sum of its ledger rows.");
            Assert.False(await db.CreditPeriods.AnyAsync(p => p.UsedCredits < 0 || p.UsedCredits > p.MaxCredits, TestContext.Current.CancellationToken), $"Step {step} ({action}): a period is over-spent.");
        }

        // Not vacuous: every kind of step happened, and the ledger holds every kind of lifecycle row.
        Assert.All(Actions,
            a => Assert.True(steps.GetValueOrDefault(a) > 0, $"No '{a}' step succeeded: {string.Join(", ", steps)}"));
        await using var final = await studio.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var kinds = await final.Ledger.Select(l => l.Kind).Distinct().ToListAsync(TestContext.Current.CancellationToken);
        Assert.All(new List<LedgerKind> { LedgerKind.Renewed, LedgerKind.Expired, LedgerKind.RolledOver, LedgerKind.RolledIn, LedgerKind.Forfeited, LedgerKind.Frozen, LedgerKind.Unfrozen },
            k => Assert.Contains(k, kinds));
    }

    /// <summary>One random step through the app's services; whether the studio took it (a refusal is a rule doing its job).</summary>
    private static async Task<bool> RunAsync(StudioBuilder studio, Random rng, string action, int[] items, List<Client> clients)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await studio.Db.CreateDbContextAsync(ct);
        var active = await db.Purchases.AsNoTracking().Where(p => p.Status == PurchaseStatus.Active && p.CancelsOn == null)
            .OrderBy(p => p.Id).Select(p => new { p.Id, p.OwnerClientId }).ToListAsync(ct);
        switch (action)
        {
            case "sell":
                await studio.SellAsync(items[rng.Next(items.Length)], clients[rng.Next(clients.Count)]);
                return true;
            case "book" when active.Count > 0:
            {
                var p = active[rng.Next(active.Count)];
                var session = await studio.SessionAsync($"Class {rng.Next(1000)}", dayOffset: rng.Next(0, 45), at: new TimeOnly(18, rng.Next(60)));
                return (await studio.Bookings.BookAsync(TestUsers.Staff, session.Id, p.OwnerClientId, p.Id, null, ct)).Succeeded;
            }
            case "cancel booking":
            {
                var now = studio.Clock.Now.DateTime;
                var live = await db.Bookings.Where(b => b.Status == BookingStatus.Booked && b.Session!.StartsAt > now).Select(b => b.Id).ToListAsync(ct);
                return live.Count > 0 && (await studio.Bookings.CancelAsync(TestUsers.Staff, live[rng.Next(live.Count)], null, ct)).Succeeded;
            }
            case "freeze" when active.Count > 0:
            {
                var p = active[rng.Next(active.Count)];
                var from = studio.Today.AddDays(rng.Next(0, 10));
                DateOnly? to = rng.Next(8) == 0 ? null : from.AddDays(rng.Next(6, 30));
                var mode = to is null || rng.Next(2) == 0 ? FreezeMode.Extend : FreezeMode.Prorate;
                return (await studio.Freezes.FreezeAsync(TestUsers.Manager, p.Id, new FreezeInput(from, to, mode, "Random freeze", "Random test"), ct)).Succeeded;
            }
            case "unfreeze":
            {
                var freezes = await db.Freezes.Where(f => f.Status == FreezeStatus.Active && f.StartsOn <= studio.Today && (f.EndsOn == null || f.EndsOn > studio.Today))
                    .Select(f => new { f.Id, f.PurchaseId }).ToListAsync(ct);
                if (freezes.Count == 0) return false;
                var f = freezes[rng.Next(freezes.Count)];
                return (await studio.Freezes.EndAsync(TestUsers.Manager, f.PurchaseId, f.Id, new FreezeEndInput(), ct)).Succeeded;
            }
            case "cancel purchase" when active.Count > 0:
            {
                var p = active[rng.Next(active.Count)];
                var effective = rng.Next(2) == 0 ? CancelEffective.Now : CancelEffective.EndOfPeriod;
                var cancelled = await studio.Cancellations.CancelAsync(TestUsers.Staff, p.Id, new CancellationRequest(effective, "Random cancellation"), ct);
                // A package cancels only at once: the studio says so.
                return cancelled.Succeeded || (await studio.Cancellations.CancelAsync(TestUsers.Staff, p.Id, new CancellationRequest(CancelEffective.Now, "Random cancellation"), ct)).Succeeded;
            }
            case "next days":
                studio.Clock.Now = studio.Clock.Now.AddDays(rng.Next(1, 6));
                await studio.MembershipPassAsync();
                return true;
        }
        return false;
    }
}
