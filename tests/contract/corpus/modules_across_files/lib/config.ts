import { env } from "zttp:env";
import { fetch } from "zigttp:fetch";

export const databaseUrl = env("DATABASE_URL");
export const ping = () => fetch("https://db.example.com/ping");
