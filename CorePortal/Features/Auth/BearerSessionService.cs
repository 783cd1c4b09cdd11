using System.Security.Claims;
using CorePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Auth;

/// <summary>
/// Bearer sessions: a row per sign-in (<see cref="BearerSession"/>) whose id every token of it carries, with single-use
/// refresh tokens. A refresh rotates the session's refresh token id; a refresh token presented again, or a refresh past the
/// absolute limit, ends the whole session; signing out ends it too. Access tokens of an ended session are refused on the next
/// request (<see cref="AuthSetup.UseBearerTokenRevocation"/>), and hub connections at the next sweep.
/// </summary>
public sealed class BearerSessionService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock, IOptionsMonitor<SessionOptions> options)
{
    public const string SessionIdClaim = "coreportal:session_id";
    public const string RefreshIdClaim = "coreportal:refresh_id";

    /// <summary>Starts a session for a bearer sign-in; its claims go into the tokens.</summary>
    public async Task<Claim[]> StartAsync(string userId, DateTimeOffset signedInAt, CancellationToken ct = default)
    {
        var session = new BearerSession { Id = Guid.NewGuid(), UserId = userId, SignedInAtUtc = signedInAt.UtcDateTime, RefreshTokenId = Guid.NewGuid() };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        db.BearerSessions.Add(session);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Claims(session.Id, session.RefreshTokenId);
    }

    /// <summary>
    /// Spends the refresh token whose principal this is: the claims of the next token, or null when refused. The swap is one
    /// guarded UPDATE (… WHERE RefreshTokenId = the presented one), so of two refreshes with one token, on any server, one wins
    /// and the other counts as reuse.
    /// </summary>
    public async Task<Claim[]?> RotateAsync(ClaimsPrincipal refreshToken, CancellationToken ct = default)
    {
        if (IdOf(refreshToken, SessionIdClaim) is not { } sessionId || IdOf(refreshToken, RefreshIdClaim) is not { } refreshId) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var signedInAt = await db.BearerSessions.Where(s => s.Id == sessionId && s.EndedAtUtc == null).Select(s => (DateTime?)s.SignedInAtUtc).FirstOrDefaultAsync(ct);
        if (signedInAt is null) return null; // unknown or already ended
        var next = Guid.NewGuid();
        var rotated = now - DateTime.SpecifyKind(signedInAt.Value, DateTimeKind.Utc) > options.CurrentValue.AbsoluteTimeout ? 0
            : await db.BearerSessions.Where(s => s.Id == sessionId && s.RefreshTokenId == refreshId && s.EndedAtUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RefreshTokenId, next), ct);
        // Past the limit, or a refresh token already spent: whoever holds it (the owner or a thief), the session ends for both.
        if (rotated == 0) await EndAsync(db, sessionId, now, ct);
        await tx.CommitAsync(ct);
        return rotated == 0 ? null : Claims(sessionId, next);
    }

    /// <summary>Ends the session the principal's token belongs to (sign-out). False when it carries none.</summary>
    public async Task<bool> EndAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (IdOf(user, SessionIdClaim) is not { } sessionId) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await EndAsync(db, sessionId, clock.GetUtcNow().UtcDateTime, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>True while the session of the principal's token has not ended: one read by primary key.</summary>
    public async Task<bool> IsActiveAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (IdOf(user, SessionIdClaim) is not { } sessionId) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BearerSessions.AnyAsync(s => s.Id == sessionId && s.EndedAtUtc == null, ct);
    }

    /// <summary>Of the given sessions, those that have ended (for the hub sweep: one query for all of a server's connections).</summary>
    public async Task<HashSet<Guid>> EndedAsync(IReadOnlyCollection<Guid> sessionIds, CancellationToken ct = default)
    {
        if (sessionIds.Count == 0) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var active = await db.BearerSessions.Where(s => sessionIds.Contains(s.Id) && s.EndedAtUtc == null).Select(s => s.Id).ToListAsync(ct);
        return [.. sessionIds.Except(active)];
    }

    public static Guid? SessionIdOf(ClaimsPrincipal user) => IdOf(user, SessionIdClaim);

    private static Task<int> EndAsync(CoreDbContext db, Guid sessionId, DateTime now, CancellationToken ct) =>
        db.BearerSessions.Where(s => s.Id == sessionId && s.EndedAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtUtc, now), ct);

    private static Guid? IdOf(ClaimsPrincipal user, string type) => Guid.TryParse(user.FindFirst(type)?.Value, out var id) ? id : null;

    private static Claim[] Claims(Guid sessionId, Guid refreshId) => [new(SessionIdClaim, sessionId.ToString()), new(RefreshIdClaim, refreshId.ToString())];
}
