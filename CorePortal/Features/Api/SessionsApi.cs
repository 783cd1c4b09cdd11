using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;

namespace CorePortal.Features.Api;

/// <summary>New sessions on the schedule (Staff), and who is booked into a session (the studio team).</summary>
public static class SessionsApi
{
    public static void MapSessionsApi(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Schedule");

        sessions.MapPost("/", async (SessionInput body, ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) =>
                (await schedule.CreateSessionAsync(user, body, ct)).ToHttp(id => Results.Created($"/api/sessions/{id}/roster", new { id })))
            .RequireAuthorization(Policies.Staff);

        sessions.MapGet("/{sessionId:int}/roster", async (int sessionId, ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) =>
                (await schedule.RosterAsync(user, sessionId, ct)).ToHttp())
            .RequireAuthorization(Policies.StudioTeam);
    }
}
