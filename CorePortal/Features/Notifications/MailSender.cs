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
        await client.ConnectAsync(_smtp.Host!, _smtp.Port, SecureSocketOptions.StartTlsWhenAvailable, ct);
        if (!string.IsNullOrEmpty(_smtp.UserName))
            await client.AuthenticateAsync(_smtp.UserName, _smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
