using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsersPerAccount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_Email",
                table: "Users");

            migrationBuilder.AddColumn<Guid>(
                name: "AccountId",
                table: "Users",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // Users become account-owned. A user takes the account of its first membership (or of its default team);
            // a user with memberships in other accounts is copied into each of them (the copy's id is that of its
            // first membership there, a fresh unique id) and those memberships move to the copy; a user of no team
            // could sign in to nothing and goes.
            migrationBuilder.Sql("""
                UPDATE "Users" SET "AccountId" = COALESCE(
                    (SELECT t."AccountId" FROM "Memberships" AS m JOIN "Teams" AS t ON t."Id" = m."TeamId"
                     WHERE m."UserId" = "Users"."Id" ORDER BY m."CreatedAt", m."Id" LIMIT 1),
                    (SELECT t."AccountId" FROM "Teams" AS t WHERE t."Id" = "Users"."DefaultTeamId"),
                    "AccountId");
                DELETE FROM "Users" WHERE "AccountId" = '00000000-0000-0000-0000-000000000000'
                    AND NOT EXISTS (SELECT 1 FROM "Memberships" AS m WHERE m."UserId" = "Users"."Id");
                INSERT INTO "Users" ("Id", "AccountId", "Email", "DisplayName", "PasswordHash", "SecurityStamp",
                    "FailedLogins", "LockedUntil", "DefaultTeamId", "CreatedAt")
                SELECT p."CopyId", p."AccountId", u."Email", u."DisplayName", u."PasswordHash", u."SecurityStamp",
                    0, NULL, NULL, u."CreatedAt"
                FROM (SELECT m."UserId", t."AccountId", MIN(m."Id"::text)::uuid AS "CopyId"
                      FROM "Memberships" AS m JOIN "Teams" AS t ON t."Id" = m."TeamId"
                      GROUP BY m."UserId", t."AccountId") AS p
                JOIN "Users" AS u ON u."Id" = p."UserId"
                WHERE p."AccountId" <> u."AccountId";
                UPDATE "Memberships" SET "UserId" = (
                    SELECT c."Id" FROM "Users" AS o, "Users" AS c, "Teams" AS t
                    WHERE o."Id" = "Memberships"."UserId" AND t."Id" = "Memberships"."TeamId"
                      AND c."Email" = o."Email" AND c."AccountId" = t."AccountId")
                WHERE EXISTS (
                    SELECT 1 FROM "Users" AS u, "Teams" AS t
                    WHERE u."Id" = "Memberships"."UserId" AND t."Id" = "Memberships"."TeamId" AND u."AccountId" <> t."AccountId");
                UPDATE "Users" SET "DefaultTeamId" = NULL
                WHERE "DefaultTeamId" IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM "Teams" AS t WHERE t."Id" = "Users"."DefaultTeamId" AND t."AccountId" = "Users"."AccountId");
                """);

            migrationBuilder.DropColumn(
                name: "FailedLogins",
                table: "Users");

            migrationBuilder.CreateIndex(
                name: "IX_Users_AccountId_Email",
                table: "Users",
                columns: new[] { "AccountId", "Email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_Email",
                table: "Users",
                column: "Email");

            migrationBuilder.AddForeignKey(
                name: "FK_Users_Accounts_AccountId",
                table: "Users",
                column: "AccountId",
                principalTable: "Accounts",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Users_Accounts_AccountId",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_AccountId_Email",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_Email",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "AccountId",
                table: "Users");

            migrationBuilder.AddColumn<int>(
                name: "FailedLogins",
                table: "Users",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_Users_Email",
                table: "Users",
                column: "Email",
                unique: true);
        }
    }
}
