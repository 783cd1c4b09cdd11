using System.Security.Claims;
using CorePortal.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Auth;

/// <summary>
/// Re-checks a circuit's user on an interval: a disabled account, a changed security stamp, the absolute session limit or
/// the idle limit (no interaction from the person in the circuit, see <see cref="CircuitActivity"/>) ends the circuit's
/// sign-in, and the page sends the user to sign in again.
/// </summary>
internal sealed class RevalidatingAuthStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<SessionOptions> options,
    CircuitActivity activity,
    TimeProvider clock) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (options.Value.IsPastAbsoluteLimit(state.User, now) || now - activity.LastUserActivity > options.Value.IdleTimeout) return false;
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        return await IsStillValidAsync(users, state.User);
    }

    internal static async Task<bool> IsStillValidAsync(UserManager<StaffUser> users, ClaimsPrincipal principal)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || user.IsDisabled) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        var stamp = principal.FindFirstValue(users.Options.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
