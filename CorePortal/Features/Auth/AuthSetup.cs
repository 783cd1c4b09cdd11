using CorePortal.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Auth;

public static class AuthSetup
{
    public const string CookieOrBearer = "CookieOrBearer";

    public static void AddPortalAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SessionOptions>(configuration.GetSection(SessionOptions.Section));
        var session = configuration.GetSection(SessionOptions.Section).Get<SessionOptions>() ?? new SessionOptions();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthStateProvider>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<SignInService>();
        services.AddSingleton<BearerSessionService>();
        services.AddScoped<CircuitActivity>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, UserActivityCircuitHandler>();
        services.AddSignalR(o => o.AddFilter(new UserInteractionHubFilter())); // every hub; it holds no state
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<StaffAccountService>();
        services.AddAuthorization(Policies.Add);
        // One default scheme that reads a bearer token when the request carries one and the cookie otherwise, so
        // every endpoint and policy accepts either; pages still redirect to sign-in, API paths answer 401.
        var auth = services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieOrBearer;
            o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
        });
        auth.AddPolicyScheme(CookieOrBearer, "Cookie or bearer token", o => o.ForwardDefaultSelector = ctx =>
            CarriesBearerToken(ctx.Request) ? IdentityConstants.BearerScheme : IdentityConstants.ApplicationScheme);
        auth.AddBearerToken(IdentityConstants.BearerScheme, o =>
        {
            o.BearerTokenExpiration = configuration.GetValue("Auth:BearerTokenExpiration", TimeSpan.FromHours(1));
            // Browsers and SignalR clients cannot set a header on a WebSocket, so hubs also take the token from the query.
            o.Events.OnMessageReceived = ctx =>
            {
                if (HubQueryToken(ctx.Request) is { } token) ctx.Token = token;
                return Task.CompletedTask;
            };
        });
        auth.AddIdentityCookies();
        services.AddSignInRateLimit(configuration);

        services.AddIdentityCore<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddUserStore<DoorUserStore>() // Identity's EF stores, saving through the write door
            .AddRoleStore<DoorRoleStore>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddDefaultTokenProviders();

        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = session.RevalidationInterval;
            // Keep the time of the original sign-in when the cookie is refreshed, so the absolute limit holds.
            o.OnRefreshingPrincipal = ctx =>
            {
                if (ctx.CurrentPrincipal?.FindFirst(SessionOptions.SignedInAtClaim) is { } claim)
                    ctx.NewPrincipal?.Identities.First().AddClaim(new(claim.Type, claim.Value));
                return Task.CompletedTask;
            };
        });

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/status/403";
            o.ExpireTimeSpan = session.IdleTimeout;
            o.SlidingExpiration = true;
            o.Cookie.Name = "CorePortal.Auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is HTTPS (as the proxy reports it, see UsePortalProxy); plain HTTP stays usable in Development.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnRedirectToLogin = ctx => RespondOrRedirect(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            var inner = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async ctx =>
            {
                var limits = ctx.HttpContext.RequestServices.GetRequiredService<IOptions<SessionOptions>>().Value;
                var clock = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                if (ctx.Principal is { } principal && limits.IsPastAbsoluteLimit(principal, clock.GetUtcNow()))
                {
                    ctx.RejectPrincipal();
                    await ctx.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await inner(ctx); // the security stamp check that AddIdentityCookies put there
            };
        });
    }

    private static string? HubQueryToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs") && request.Query["access_token"] is [{ Length: > 0 } token] ? token : null;

    internal static bool CarriesBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || HubQueryToken(request) is not null;

    /// <summary>
    /// A bearer token carries its account's security stamp and its session's id; disabling the account renews the stamp and
    /// signing out (or reusing a spent refresh token) ends the session, so the checks here end its tokens at once instead of
    /// when they expire. They cost two reads by key per API call (the account, the session) and a token from before sessions
    /// were kept (no session id) is refused. Runs after authentication.
    /// </summary>
    public static void UseBearerTokenRevocation(this WebApplication app) => app.Use(async (ctx, next) =>
    {
        if (ctx.User.Identity?.IsAuthenticated == true && CarriesBearerToken(ctx.Request)
            && (await ctx.RequestServices.GetRequiredService<SignInManager<StaffUser>>().ValidateSecurityStampAsync(ctx.User) is not { IsDisabled: false }
                || ctx.RequestServices.GetRequiredService<IOptions<SessionOptions>>().Value.IsPastAbsoluteLimit(ctx.User, ctx.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())
                || !await ctx.RequestServices.GetRequiredService<BearerSessionService>().IsActiveAsync(ctx.User, ctx.RequestAborted)))
            ctx.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        await next(ctx);
    });

    // Pages redirect to the sign-in page; API calls and hub negotiation get a plain 401.
    private static Task RespondOrRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs"))
            ctx.Response.StatusCode = status;
        else
            ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
