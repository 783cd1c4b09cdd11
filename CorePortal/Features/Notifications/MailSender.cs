using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CorePortal.Features.Notifications;

/// <summary>Sends one mail through SMTP with MailKit, or drops it into the pickup folder when no server is configured.</summary>
public sealed class MailSender(IOptions<SmtpOptions> options, IHostEnvironment env)
{
    private readonly SmtpOptions _smtp = options.Value;

    public bool UsesPickupFolder => string.IsNullOrWhiteSpace(_smtp.Host);

    public string PickupFolder => Path.GetFullPath(_smtp.PickupFolder, env.ContentRootPath);

    public string PublicBaseUrl => _smtp.PublicBaseUrl.TrimEnd('/');

    private bool HasCredentials => !string.IsNullOrEmpty(_smtp.UserName);

    /// <summary>Credentials go only over TLS, unless the settings say the server is on a trusted network.</summary>
    public bool RequiresTls => !UsesPickupFolder && HasCredentials && !_smtp.TrustedNetwork;

    /// <summary>What start-up should warn about in the SMTP settings, or null.</summary>
    public string? StartupWarning => UsesPickupFolder || !HasCredentials ? null
        : _smtp.TrustedNetwork
            ? $"Smtp:TrustedNetwork is on: the SMTP credentials are sent to {_smtp.Host}:{_smtp.Port} even if it offers no TLS."
            : $"SMTP credentials are set: mail is sent to {_smtp.Host}:{_smtp.Port} only over TLS, and stays in the outbox if the server offers none "
              + "(set Smtp:TrustedNetwork=true only for a server on a trusted network).";

    public async Task SendAsync(string to, string subject, string body, CancellationToken ct)
    {
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };

        if (UsesPickupFolder)
        {
            Directory.CreateDirectory(PickupFolder);
            // Written under another name and renamed, so whoever picks mail up never reads half a file.
            var file = Path.Combine(PickupFolder, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.eml");
            await message.WriteToAsync(file + ".part", ct);
            File.Move(file + ".part", file);
            return;
        }

        using var client = new SmtpClient();
        var security = !RequiresTls ? SecureSocketOptions.StartTlsWhenAvailable
            : _smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        try
        {
            await client.ConnectAsync(_smtp.Host!, _smtp.Port, security, ct);
        }
        catch (NotSupportedException e) when (RequiresTls)
        {
            // MailKit refuses before it says anything but EHLO: the credentials were not sent.
            throw new SmtpTlsRequiredException(
                $"Not sent: {_smtp.Host}:{_smtp.Port} offers no TLS (STARTTLS), and the SMTP credentials are never sent without it. "
                + "Enable TLS on the server, or set Smtp:TrustedNetwork=true if it is on a trusted network.", e);
        }
        if (!string.IsNullOrEmpty(_smtp.UserName))
            await client.AuthenticateAsync(_smtp.UserName, _smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>The mail was not sent because the server offers no TLS and the credentials must not travel in clear.</summary>
public sealed class SmtpTlsRequiredException(string message, Exception inner) : Exception(message, inner);
