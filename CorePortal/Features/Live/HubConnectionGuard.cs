using System.Collections.Concurrent;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Live;

/// <summary>
/// Closes this server's hub connections whose sign-in has ended: the account disabled or its security stamp changed, the
/// bearer session ended (signed out, a spent refresh token reused) or the absolute limit passed. Each server checks its own
/// connections against the database every <c>Auth:RevalidationInterval</c> (one query for the accounts, one for the sessions,
/// however many connections), so a change made on any server, by any code, reaches them all. Token expiry is SignalR's own
/// check (<c>CloseOnAuthenticationExpiration</c>, see <see cref="LiveSetup.MapPortalLive"/>).
/// </summary>
public sealed class HubConnectionGuard(IServiceScopeFactory scopeFactory, IOptionsMonitor<Auth.SessionOptions> options, TimeProvider clock,
    ILogger<HubConnectionGuard> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();

    public void Track(HubCallerContext connection) => _connections[connection.ConnectionId] = connection;

    public void Forget(string connectionId) => _connections.TryRemove(connectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.RevalidationInterval <= TimeSpan.Zero) return; // a zero interval turns the sweep off
        using var timer = new PeriodicTimer(options.CurrentValue.RevalidationInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Checking the hub connections' sign-ins failed; trying again at the next interval.");
            }
        }
    }

    /// <summary>Closes the connections whose sign-in no longer holds; answers how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var connections = _connections.Values.ToList();
        if (connections.Count == 0) return 0;
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var stampClaim = users.Options.ClaimsIdentity.SecurityStampClaimType;
        var userIds = connections.Select(c => c.UserIdentifier).OfType<string>().Distinct().ToList();
        var accounts = await users.Users.Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.IsDisabled, u.SecurityStamp }).ToDictionaryAsync(u => u.Id, ct);
        var sessionIds = connections.Select(c => BearerSessionService.SessionIdOf(c.User!)).OfType<Guid>().Distinct().ToList();
        var ended = await scope.ServiceProvider.GetRequiredService<BearerSessionService>().EndedAsync(sessionIds, ct);
        var now = clock.GetUtcNow();

        var closed = 0;
        foreach (var connection in connections)
        {
            var user = connection.User ?? new ClaimsPrincipal();
            var holds = connection.UserIdentifier is { } id && accounts.TryGetValue(id, out var account) && !account.IsDisabled
                && (!users.SupportsUserSecurityStamp || user.FindFirstValue(stampClaim) == account.SecurityStamp)
                && !options.CurrentValue.IsPastAbsoluteLimit(user, now)
                && !(BearerSessionService.SessionIdOf(user) is { } session && ended.Contains(session));
            if (holds) continue;
            connection.Abort();
            Forget(connection.ConnectionId);
            closed++;
        }
        return closed;
    }
}
