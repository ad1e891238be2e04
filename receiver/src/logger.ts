/** The receiver logs with the services' one logger (`@xray/core/service`); these names stay for its users. */
export { silentLogger, type Logger } from '@xray/core/service';
