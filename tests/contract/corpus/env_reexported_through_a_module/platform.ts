export { env as read } from "zigttp:env";
