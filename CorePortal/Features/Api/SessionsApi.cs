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
    }

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
