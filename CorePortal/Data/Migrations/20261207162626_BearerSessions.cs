using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class BearerSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BearerSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    SignedInAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RefreshTokenId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BearerSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BearerSessions_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BearerSessions_UserId",
                table: "BearerSessions",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BearerSessions");
        }
    }
}
