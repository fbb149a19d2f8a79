/** The stream-json module's JSON narrowing, under the name the outcome classifier imports it by. */
export { asRecord, numberField, stringField, type JsonRecord } from "../stream-json/json.js";
