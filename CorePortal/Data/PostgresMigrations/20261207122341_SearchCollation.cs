using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.PostgresMigrations
{
    /// <inheritdoc />
    public partial class SearchCollation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "PhoneDigitsReversed",
                table: "Clients",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.AlterColumn<string>(
                name: "PhoneDigits",
                table: "Clients",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.AlterColumn<string>(
                name: "LastNameKey",
                table: "Clients",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(80)",
                oldMaxLength: 80);

            migrationBuilder.AlterColumn<string>(
                name: "FirstNameKey",
                table: "Clients",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(80)",
                oldMaxLength: 80);

            migrationBuilder.AlterColumn<string>(
                name: "EmailKey",
                table: "Clients",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "PhoneDigitsReversed",
                table: "Clients",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "PhoneDigits",
                table: "Clients",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "LastNameKey",
                table: "Clients",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(80)",
                oldMaxLength: 80,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "FirstNameKey",
                table: "Clients",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(80)",
                oldMaxLength: 80,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "EmailKey",
                table: "Clients",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldCollation: "C");
        }
    }
}
