/** Names of the queue between receivers and processors, when XRAY_STREAM and XRAY_CONSUMER_GROUP are not set. */

/** The Redis Stream receivers append to and processors read. */
export const DEFAULT_STREAM = 'xray:spans';
/** The consumer group processors share (each entry goes to one of them). */
export const DEFAULT_CONSUMER_GROUP = 'xray-processors';
