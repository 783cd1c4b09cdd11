using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Members;

public enum AppLoginState { None, Invited, Active, Disabled }

/// <summary>A client's login to the members' app, as the profile shows it.</summary>
public sealed record AppLoginView(AppLoginState State, string? Email, DateTime? InvitedAtUtc);

/// <summary>
/// Members' app logins: staff invite a client from the profile; the emailed single-use link lets the client choose a
/// password. The login is an Identity user in role Member, tied to the client record, and never opens the portal.
/// </summary>
public sealed class MemberAccountService(IDbContextFactory<CoreDbContext> dbFactory, UserManager<StaffUser> users,
    OutboxSignal outbox, TimeProvider clock)
{
    public const string PasswordField = "Password";

    /// <summary>The client's app login as the profile shows it: whoever may read the client.</summary>
    public async Task<ServiceResult<AppLoginView>> LoginOfAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<AppLoginView>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var login = await db.Users.AsNoTracking().Where(u => u.ClientId == clientId)
            .Select(u => new { u.Email, u.IsDisabled, u.PasswordHash, u.InvitedAtUtc }).SingleOrDefaultAsync(ct);
        if (login is null) return ServiceResult.Success(new AppLoginView(AppLoginState.None, null, null));
        var state = login.IsDisabled ? AppLoginState.Disabled : login.PasswordHash is null ? AppLoginState.Invited : AppLoginState.Active;
        return ServiceResult.Success(new AppLoginView(state, login.Email, login.InvitedAtUtc));
    }

    /// <summary>
    /// Creates the client's app login (or finds the one not yet activated) and queues the invitation email, in one
    /// transaction. Staff only; the client needs an email address no other login uses.
    /// </summary>
    public async Task<ServiceResult> InviteAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanEditClients(user)) return ServiceResult.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var client = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return ServiceResult.NotFound("No client has that id.");
        if (string.IsNullOrWhiteSpace(client.Email)) return ServiceResult.Invalid("Email", $"{client.FullName} has no email address to send the invitation to.");

        var email = client.Email.Trim();
        var normalized = users.NormalizeEmail(email);
        // The checks below decide the insert: two invitations at once (on any server) for this client or this email take
        // turns, always in this order, and the second sees the first's login.
        await tx.LockAsync($"member-login:client:{clientId}", ct);
        await tx.LockAsync($"member-login:email:{normalized}", ct);
        var login = await db.Users.SingleOrDefaultAsync(u => u.ClientId == clientId, ct);
        if (login is { PasswordHash: not null } or { IsDisabled: true })
            return ServiceResult.Conflict($"{client.FullName} already has an app login{(login.IsDisabled ? ", and it is disabled" : "")}.");
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized && u.ClientId != clientId, ct))
            return ServiceResult.Conflict($"{email} already signs in to CorePortal as someone else; give the client another email address first.");

        var now = clock.GetUtcNow().UtcDateTime;
        if (login is null)
        {
            login = new StaffUser
            {
                UserName = email, NormalizedUserName = users.NormalizeName(email), Email = email, NormalizedEmail = normalized,
                DisplayName = client.FullName, ClientId = clientId, SecurityStamp = Guid.NewGuid().ToString("N"), LockoutEnabled = true,
            };
            db.Users.Add(login);
            var memberRole = await db.Roles.Where(r => r.Name == Roles.Member).Select(r => r.Id).SingleAsync(ct);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = login.Id, RoleId = memberRole });
        }
        login.InvitedAtUtc = now;
        db.Outbox.Add(new OutboxMessage
        {
            Channel = OutboxChannel.Email, ClientId = clientId, MemberLoginId = login.Id, Recipient = email,
            Subject = "Your CorePortal app login",
            Body = $"Hello {client.FirstName},\n\nThe studio has invited you to the CorePortal app: see your packages, share them and book sessions.",
            CreatedAtUtc = now, NextAttemptAtUtc = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Poke();
        return ServiceResult.Ok($"An app invitation is on its way to {email}.");
    }

    /// <summary>The email of the login an activation link belongs to, or null when the link is used up or expired.</summary>
    public async Task<string?> ActivationEmailAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PendingActivation(db, token).Select(u => u.Email).SingleOrDefaultAsync(ct);
    }

    /// <summary>Sets the first password through the emailed link; the link works once.</summary>
    public async Task<ServiceResult> ActivateAsync(string token, string? password, string? confirm, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await PendingActivation(db, token).Select(u => u.Id).SingleOrDefaultAsync(ct);
        if (id is null) return UsedLink();
        if (string.IsNullOrEmpty(password)) return ServiceResult.Invalid(PasswordField, "Choose a password.");
        if (password != confirm) return ServiceResult.Invalid(PasswordField, "The two passwords do not match.");

        var login = (await users.FindByIdAsync(id))!;
        // Validates the password rules and saves the user in one guarded UPDATE (Identity's concurrency stamp): of two uses of
        // the link at once, on any server, one saves and the other finds the link used.
        var added = await users.AddPasswordAsync(login, password);
        if (!added.Succeeded && !await PendingActivation(db, token).AnyAsync(ct)) return UsedLink();
        if (!added.Succeeded) return ServiceResult.Invalid(PasswordField, string.Join(" ", added.Errors.Select(e => e.Description)));
        login.EmailConfirmed = true;
        login.ActivationTokenHash = null;
        login.ActivationExpiresAtUtc = null;
        await users.UpdateAsync(login);
        return ServiceResult.Ok($"Your app login is ready: sign in to the app with {login.Email}.");
    }

    private static ServiceResult UsedLink() => ServiceResult.NotFound("This link is not valid any more. Ask the studio to send a new invitation.");

    private IQueryable<StaffUser> PendingActivation(CoreDbContext db, string token)
    {
        var hash = OutboxDelivery.HashToken(token);
        var now = clock.GetUtcNow().UtcDateTime;
        return db.Users.Where(u => u.ActivationTokenHash == hash && u.ActivationExpiresAtUtc > now && !u.IsDisabled && u.PasswordHash == null);
    }
}
