using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Live;

/// <summary>Changes made through the app's own services, and waiting for the events they cause.</summary>
public static class LiveWorld
{
    public static readonly ClaimsPrincipal Staff = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "Sam Staff"), new Claim("display_name", "Sam Staff"), new Claim(ClaimTypes.Role, Roles.Staff)], "test"));

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A demo client with a credit source for a new session tomorrow, and that session.</summary>
    public sealed record Bookable(int ClientId, int PurchaseId, int LocationId, int SessionId);

    public static async Task<Bookable> BookableAsync(IServiceProvider services, int skip = 0)
    {
        using var scope = services.CreateScope();
        var schedule = scope.ServiceProvider.GetRequiredService<ScheduleService>();
        var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
        var location = (await schedule.LocationsAsync(Staff)).Value![0];
        var created = await schedule.CreateSessionAsync(Staff, new SessionInput
        {
            Name = $"Live test {Guid.NewGuid():N}"[..16], LocationId = location.Id, Trainer = "Taylor Trainer",
            Date = DateTime.Today.AddDays(1), StartTime = TimeSpan.FromHours(9), Capacity = 50,
        });
        var sessionId = created.Value;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        var owners = await db.Purchases.Where(p => p.Status == PurchaseStatus.Active).Select(p => p.OwnerClientId).Distinct().OrderBy(id => id).ToListAsync();
        foreach (var clientId in owners)
        {
            var sources = (await bookings.CreditSourcesAsync(Staff, clientId, sessionId)).Value ?? [];
            if (sources.FirstOrDefault(s => !s.IsShared) is not { } own) continue;
            if (skip-- > 0) continue;
            var locationId = await db.Purchases.Where(p => p.Id == own.PurchaseId).Select(p => p.LocationId).SingleAsync();
            return new Bookable(clientId, own.PurchaseId, locationId, sessionId);
        }
        throw new InvalidOperationException("The demo data has no client with credits for tomorrow.");
    }

    public static async Task<BookingReceipt> BookAsync(IServiceProvider services, Bookable b)
    {
        using var scope = services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(Staff, b.SessionId, b.ClientId, b.PurchaseId, null);
        return result.Value ?? throw new InvalidOperationException(result.Message);
    }

    /// <summary>Every BalanceChanged the connection receives, in order, and a way to wait for one.</summary>
    public sealed class Received
    {
        private readonly List<BalanceChanged> _events = [];
        private readonly Lock _gate = new();
        private readonly List<(Func<BalanceChanged, bool> Match, TaskCompletionSource<BalanceChanged> Done)> _waiters = [];

        public Received(HubConnection connection) => connection.On<BalanceChanged>(BalancesHub.EventName, Add);

        public Received(BalanceFeed feed, out IDisposable subscription) => subscription = feed.Subscribe(BalanceTopic.All, e => { Add(e); return Task.CompletedTask; });

        public IReadOnlyList<BalanceChanged> Events { get { lock (_gate) return [.. _events]; } }

        public Task<BalanceChanged> WaitForAsync(Func<BalanceChanged, bool> match)
        {
            lock (_gate)
            {
                if (_events.FirstOrDefault(match) is { } seen) return Task.FromResult(seen);
                var done = new TaskCompletionSource<BalanceChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((match, done));
                return done.Task.WaitAsync(Patience);
            }
        }

        private void Add(BalanceChanged change)
        {
            lock (_gate)
            {
                _events.Add(change);
                foreach (var waiter in _waiters.Where(w => w.Match(change)).ToList())
                {
                    waiter.Done.TrySetResult(change);
                    _waiters.Remove(waiter);
                }
            }
        }
    }
}
