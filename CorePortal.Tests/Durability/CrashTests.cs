using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CorePortal.Data;
using CorePortal.Features.Api;
using CorePortal.Features.Bookings;
using CorePortal.Features.Credits;
using CorePortal.Tests.Chain;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Durability;

/// <summary>
/// The app as a real process (`dotnet CorePortal.dll`) on a SQLite file, killed with SIGKILL while bookings pour in
/// over the JSON API, then started again on the same file: what was acknowledged is there and the books balance.
/// </summary>
[Trait("Engine", "Sqlite")]
public sealed class CrashTests
{
    private const int Clients = 4;
    private const int Classes = 40;
    private const int KillAfter = 30; // acknowledged bookings, of Clients × Classes

    [Fact]
    public async Task After_a_SIGKILL_mid_run_every_acknowledged_booking_is_there_used_credits_equal_the_visits_and_the_ledger_audit_is_clean()
    {
        using var database = new TestDatabase(DatabaseEngine.Sqlite); // migrated and empty: the app seeds the demo staff
        var environment = AppServer.DemoEnvironment("Sqlite", database.ConnectionString);
        await using var server = new AppServer("crash", environment);
        await server.StartAsync();

        using var studio = await new StudioBuilder(database, new FixedClock(DateTimeOffset.UtcNow)).AtFirstLocationAsync();
        var packs = await StudioBuilder.InTurnAsync(Enumerable.Range(0, Clients), async i =>
        {
            var client = await studio.ClientAsync("Crash", $"Client{i}");
            return (Client: client, Pack: await studio.SellAsync(client, $"Crash pack {i}", credits: Classes));
        });
        // One class an hour over three days, from the day after tomorrow: nobody is booked twice at one time.
        var classes = await StudioBuilder.InTurnAsync(Enumerable.Range(0, Classes),
            i => studio.SessionAsync($"Crash class {i}", dayOffset: 2 + i / 15, capacity: Clients, at: new TimeOnly(6 + i % 15, 0)));

        var acknowledged = new ConcurrentBag<BookingReceipt>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = new ConcurrentBag<string>();
        // Several clients of the API at once, each a member of staff with their own bearer token, booking one client
        // into class after class until the server stops answering.
        var workers = packs.Select(p => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await ApiApp.LoginAsync(http, DemoUsers.Staff)).AccessToken);
            foreach (var session in classes)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync("/api/bookings", new BookingRequest(session.Id, p.Client.Id, p.Pack.Id));
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<BookingReceipt>())!);
                        if (acknowledged.Count >= KillAfter) enough.TrySetResult();
                    }
                    else refused.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException) { return; } // killed: this request, and every one after it, is not acknowledged
                catch (IOException) { return; }
            }
        })).ToList();

        await enough.Task.WaitAsync(TimeSpan.FromMinutes(3));
        await server.KillAsync();
        await Task.WhenAll(workers);
        var before = acknowledged.ToList();
        Assert.True(before.Count < Clients * Classes, "Every booking was answered before the kill: nothing was in flight.");
        Assert.True(refused.IsEmpty, $"Refused before the kill: {string.Join("; ", refused)}");

        await server.StartAsync(); // the same file: it must open, recover and answer again
        await using var db = database.CreateDbContext();
        var purchaseIds = packs.Select(p => p.Pack.Id).ToList();
        var stored = await db.Bookings.AsNoTracking().Where(b => purchaseIds.Contains(b.PurchaseId) && b.ActiveClientId != null)
            .Select(b => new { b.Id, b.PeriodId }).ToListAsync();
        Assert.Subset(stored.Select(b => b.Id).ToHashSet(), before.Select(r => r.BookingId).ToHashSet());
        var periods = await db.CreditPeriods.AsNoTracking().Where(p => purchaseIds.Contains(p.PurchaseId)).ToListAsync();
        Assert.All(periods, p => Assert.Equal(stored.Count(b => b.PeriodId == p.Id), p.UsedCredits));
        Assert.Equal(stored.Count, periods.Sum(p => p.UsedCredits));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db));

        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        try { Directory.Delete(environment["Smtp__PickupFolder"], recursive: true); } catch (IOException) { } // best effort on a temp folder
    }
}
