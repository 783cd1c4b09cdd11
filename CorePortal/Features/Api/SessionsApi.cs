using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Api;

/// <summary>The id of a new session; its roster is at the Location.</summary>
public sealed record CreatedSession(int Id);

/// <summary>New sessions on the schedule (Staff), and who is booked into a session (the studio team).</summary>
public static class SessionsApi
{
    public static void MapSessionsApi(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Schedule");
        sessions.MapPost("/", CreateAsync).RequireAuthorization(Policies.Staff);
        sessions.MapGet("/{sessionId:int}/roster", RosterAsync).RequireAuthorization(Policies.StudioTeam);
        sessions.MapGet("/{sessionId:int}/waitlist", WaitlistAsync).RequireAuthorization(Policies.StudioTeam);
        sessions.MapPost("/{sessionId:int}/waitlist", JoinWaitlistAsync).RequireAuthorization(Policies.StudioTeam);
        sessions.MapDelete("/{sessionId:int}/waitlist/{entryId:int}", LeaveWaitlistAsync).RequireAuthorization(Policies.StudioTeam);
    }

    /// <summary>The session's waitlist in the order it is promoted.</summary>
    private static async Task<Results<Ok<IReadOnlyList<WaitlistRow>>, ServiceProblem>> WaitlistAsync(int sessionId, ClaimsPrincipal user,
        WaitlistService waitlist, CancellationToken ct) =>
        (await waitlist.ListAsync(user, sessionId, ct)).ToHttp();

    /// <summary>Puts a client on a full session's waitlist, reserving the purchase given or their earliest-expiring usable one.</summary>
    private static async Task<Results<Created<WaitlistRow>, ServiceProblem>> JoinWaitlistAsync(int sessionId, WaitlistJoin body, ClaimsPrincipal user,
        WaitlistService waitlist, CancellationToken ct)
    {
        var joined = await waitlist.JoinAsync(user, sessionId, body, ct);
        if (!joined.Succeeded) return joined.Problem();
        return TypedResults.Created($"/api/sessions/{sessionId}/waitlist/{joined.Value!.EntryId}", joined.Value!);
    }

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> LeaveWaitlistAsync(int sessionId, int entryId, ClaimsPrincipal user,
        WaitlistService waitlist, CancellationToken ct) =>
        (await waitlist.LeaveAsync(user, sessionId, entryId, ct)).ToHttp();

    private static async Task<Results<Created<CreatedSession>, ServiceProblem>> CreateAsync(SessionInput body, ClaimsPrincipal user,
        ScheduleService schedule, CancellationToken ct)
    {
        var created = await schedule.CreateSessionAsync(user, body, ct);
        if (!created.Succeeded) return created.Problem();
        return TypedResults.Created($"/api/sessions/{created.Value}/roster", new CreatedSession(created.Value));
    }

    private static async Task<Results<Ok<IReadOnlyList<RosterRow>>, ServiceProblem>> RosterAsync(int sessionId, ClaimsPrincipal user,
        ScheduleService schedule, CancellationToken ct) =>
        (await schedule.RosterAsync(user, sessionId, ct)).ToHttp();
}
