namespace CorePortal.Features.Notifications;

/// <summary>The "Smtp" section. With no Host, mail is written as .eml files to PickupFolder instead of sent.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>
    /// With a UserName set, mail goes only over TLS (STARTTLS, or TLS on connect on port 465), so the credentials never cross
    /// the network in clear. True says the server is on a trusted network: then the credentials are sent even without TLS.
    /// </summary>
    public bool TrustedNetwork { get; set; }
    public string From { get; set; } = "CorePortal <no-reply@coreportal.local>";
    /// <summary>Relative paths are under the app's content root.</summary>
    public string PickupFolder { get; set; } = Path.Combine("App_Data", "mail-pickup");
    /// <summary>The address clients' invitation links start with.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";
}
